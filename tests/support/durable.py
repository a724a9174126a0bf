"""What a durable event bus offers beyond the EventBus port, as the tests use it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from semiont_jobs import EventBus, ResourceId
from semiont_jobs.ports import Event


class DurableEventBus(EventBus, Protocol):
    """An event bus with a log: replay, follow, named consumers' cursors."""

    def replay(
        self, from_seq: int | None = None, *, consumer: str | None = None, channel: str | None = None
    ) -> AsyncIterator[Event]: ...

    def follow(
        self, from_seq: int | None = None, *, consumer: str | None = None, channel: str | None = None
    ) -> AsyncIterator[Event]: ...

    async def ack(self, consumer: str, seq: int) -> None: ...

    async def cursor(self, consumer: str) -> int | None: ...

    async def close(self) -> None: ...

    def scope(self, resource_id: ResourceId) -> DurableEventBus: ...
