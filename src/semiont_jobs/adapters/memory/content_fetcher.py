"""Resource contents held in a dictionary."""

from __future__ import annotations

from collections.abc import Mapping

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.errors import ResourceNotFoundError


class InMemoryContentFetcher:
    """Serves resources from memory; text is stored as UTF-8."""

    def __init__(self, resources: Mapping[str, str | bytes] | None = None) -> None:
        self._resources: dict[str, bytes] = {}
        for resource_id, content in (resources or {}).items():
            self.put(ResourceId(resource_id), content)

    def put(self, resource_id: ResourceId, content: str | bytes) -> None:
        """Add or replace a resource."""
        self._resources[resource_id] = content.encode("utf-8") if isinstance(content, str) else content

    async def fetch(self, resource_id: ResourceId) -> bytes:
        try:
            return self._resources[resource_id]
        except KeyError:
            raise ResourceNotFoundError(resource_id, "memory") from None
