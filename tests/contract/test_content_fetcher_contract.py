"""The ContentFetcher contract, run against each of our fetchers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from semiont_jobs import ResourceId
from semiont_jobs.adapters.filesystem import FilesystemContentFetcher
from semiont_jobs.adapters.http import HttpContentFetcher
from semiont_jobs.adapters.memory import InMemoryContentFetcher
from semiont_jobs.testing import ContentFetcherContract
from tests.support.semiont_backend import semiont_backend


class TestInMemoryContentFetcher(ContentFetcherContract):
    unreadable_resources: ClassVar[bool] = False

    @pytest.fixture
    def adapter(self, contents: Mapping[ResourceId, bytes]) -> InMemoryContentFetcher:
        fetcher = InMemoryContentFetcher()
        for resource_id, content in contents.items():
            fetcher.put(resource_id, content)
        return fetcher


class TestFilesystemContentFetcher(ContentFetcherContract):
    @pytest.fixture
    def adapter(
        self, tmp_path: Path, contents: Mapping[ResourceId, bytes], unreadable: ResourceId
    ) -> FilesystemContentFetcher:
        directory = tmp_path / "resources"
        directory.mkdir()
        for resource_id, content in contents.items():
            (directory / resource_id).write_bytes(content)
        (tmp_path / "doc-plain").write_bytes(b"outside the directory")
        (directory / f"{unreadable}.md").write_text("one of two files")
        (directory / f"{unreadable}.txt").write_text("that the id could name")
        return FilesystemContentFetcher(directory)


class TestHttpContentFetcher(ContentFetcherContract):
    @pytest.fixture
    def adapter(
        self, contents: Mapping[ResourceId, bytes], unreadable: ResourceId
    ) -> Iterator[HttpContentFetcher]:
        with semiont_backend(contents, broken=frozenset({unreadable})) as base_url:
            yield HttpContentFetcher(base_url, "token-1")
