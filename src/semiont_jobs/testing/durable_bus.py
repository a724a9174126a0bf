"""What a bus may offer beyond the EventBus port, as the contract suite checks it: a log
(replay, follow, named consumers' cursors), and a medium other buses can open."""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

import attrs

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.event_bus import Event, EventBus


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


@attrs.frozen
class BusOpener:
    """How to open another bus on the medium a bus works on, in this process or a child.

    ``target`` names a callable as ``"package.module:name"``; it is called with ``args``
    and ``kwargs`` (strings, so that a child process can be told them) and returns a bus
    ready for use.
    """

    target: str
    args: tuple[str, ...] = ()
    kwargs: Mapping[str, str] = attrs.field(factory=dict)

    def open(self) -> Any:
        """A new bus on the medium (typed ``Any``: it is whatever ``target`` builds)."""
        module, _, name = self.target.partition(":")
        if not module or not name:
            raise ValueError(f"bus opener target {self.target!r} is not 'package.module:name'")
        return getattr(importlib.import_module(module), name)(*self.args, **self.kwargs)

    def to_json(self) -> str:
        return json.dumps({"target": self.target, "args": list(self.args), "kwargs": dict(self.kwargs)})

    @classmethod
    def from_json(cls, text: str) -> BusOpener:
        spec = json.loads(text)
        return cls(spec["target"], tuple(spec["args"]), spec["kwargs"])
