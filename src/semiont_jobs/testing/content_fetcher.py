"""The ContentFetcher contract: a resource's bytes as stored, or an error that says why not."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.errors import ContentError, ResourceNotFoundError
from semiont_jobs.testing.contract import Contract, requires

CONTENTS: Mapping[ResourceId, bytes] = {
    ResourceId("doc-plain"): b"Ada Lovelace wrote the first program.",
    ResourceId("doc-unicode"): "# Überschrift ✓ — 中文, עברית, 🎉\r\nzweite Zeile\n".encode(),
    ResourceId("doc-binary"): bytes(range(256)) * 4,
    ResourceId("doc-empty"): b"",
    ResourceId("doc-large"): bytes(range(251)) * 4200,
    ResourceId("Doc_2-v"): b"ids of letters, digits, underscores and hyphens",
}
"""The resources every fetcher under contract serves, by id, as stored."""

UNREADABLE = ResourceId("doc-unreadable")
"""A resource that exists but cannot be read (where the fetcher can hold one)."""

INVALID_IDS = ["", ".", "..", "../doc-plain", "doc-plain/../doc-plain", "a/b", "..%2Fdoc-plain", " doc-plain"]
"""Ids no resource has: empty, path components, or ones that would reach another resource."""


class ContentFetcherContract(Contract):
    """Subclass it and override the ``adapter`` fixture to yield your fetcher serving the
    ``contents`` fixture (each resource id to its bytes), and, when ``unreadable_resources``
    is true, holding the ``unreadable`` id as a resource that exists but cannot be read
    (an unreadable file, a backend error...)."""

    __test__ = False

    unreadable_resources: ClassVar[bool] = True

    @pytest.fixture
    def contents(self) -> Mapping[ResourceId, bytes]:
        return CONTENTS

    @pytest.fixture
    def unreadable(self) -> ResourceId:
        return UNREADABLE

    @pytest.fixture
    def adapter(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must override the adapter fixture")

    async def test_each_resource_is_returned_as_stored(
        self, adapter: ContentFetcher, contents: Mapping[ResourceId, bytes]
    ) -> None:
        for resource_id, stored in contents.items():
            fetched = await adapter.fetch(resource_id)
            assert isinstance(fetched, bytes), f"{resource_id}: got {type(fetched).__name__}, not bytes"
            assert fetched == stored, (
                f"{resource_id}: {len(fetched)} bytes differ from the stored {len(stored)}"
            )

    async def test_concurrent_fetches_each_get_their_own_resource(
        self, adapter: ContentFetcher, contents: Mapping[ResourceId, bytes]
    ) -> None:
        ids = [resource_id for resource_id in contents for _ in range(4)]
        fetched = await asyncio.gather(*(adapter.fetch(resource_id) for resource_id in ids))
        assert fetched == [contents[resource_id] for resource_id in ids]

    async def test_a_missing_resource_is_not_found_and_not_retryable(self, adapter: ContentFetcher) -> None:
        with pytest.raises(ResourceNotFoundError) as raised:
            await adapter.fetch(ResourceId("doc-nobody"))
        error = raised.value
        assert error.resource_id == "doc-nobody"
        assert error.retryable is False
        assert isinstance(error, ContentError) and isinstance(error, LookupError)
        assert "doc-nobody" in str(error)

    async def test_the_fetcher_serves_on_after_a_failed_fetch(
        self, adapter: ContentFetcher, contents: Mapping[ResourceId, bytes]
    ) -> None:
        with pytest.raises(ResourceNotFoundError):
            await adapter.fetch(ResourceId("doc-nobody"))
        assert await adapter.fetch(ResourceId("doc-plain")) == contents[ResourceId("doc-plain")]

    @pytest.mark.parametrize("resource_id", INVALID_IDS)
    async def test_an_invalid_id_is_not_found(self, adapter: ContentFetcher, resource_id: str) -> None:
        with pytest.raises(ResourceNotFoundError) as raised:
            await adapter.fetch(ResourceId(resource_id))
        assert raised.value.resource_id == resource_id

    @requires("unreadable_resources")
    async def test_an_unreadable_resource_is_a_content_error_not_a_missing_one(
        self, adapter: ContentFetcher, unreadable: ResourceId
    ) -> None:
        with pytest.raises(ContentError) as raised:
            await adapter.fetch(unreadable)
        assert not isinstance(raised.value, ResourceNotFoundError)
        assert unreadable in str(raised.value)
