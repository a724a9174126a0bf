"""The ContentFetcher port: a resource's content by its id."""

from __future__ import annotations

from typing import Protocol

from semiont_jobs.domain.ids import ResourceId


class ContentFetcher(Protocol):
    """Where workers read the resources they annotate."""

    async def fetch(self, resource_id: ResourceId) -> bytes:
        """Return the resource's content as stored.

        Raises :class:`~semiont_jobs.ports.errors.ResourceNotFoundError` when no
        resource has this id, and :class:`~semiont_jobs.ports.errors.ContentError`
        when it exists but cannot be read.
        """
        ...
