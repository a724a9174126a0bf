"""Events delivered within one process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import attrs

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.event_bus import Event, EventHandler

log = logging.getLogger("semiont_jobs.events")


@attrs.define(eq=False)
class _Subscriber:
    channel: str | None
    scope: ResourceId | None
    every_scope: bool
    handler: EventHandler
    active: bool = True

    def wants(self, event: Event) -> bool:
        if not self.active or (self.channel is not None and self.channel != event.channel):
            return False
        return self.every_scope or self.scope == event.scope


class _Hub:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.subscribers: list[_Subscriber] = []

    async def deliver(self, event: Event) -> None:
        for subscriber in list(self.subscribers):
            if subscriber.wants(event):
                try:
                    await subscriber.handler(event)
                except Exception:
                    log.exception("event handler failed on %s", event.channel)


class InMemorySubscription:
    """Ends deliveries to one handler when closed."""

    def __init__(self, hub: _Hub, subscriber: _Subscriber) -> None:
        self._hub = hub
        self._subscriber = subscriber

    async def close(self) -> None:
        self._subscriber.active = False
        if self._subscriber in self._hub.subscribers:
            self._hub.subscribers.remove(self._subscriber)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class InMemoryEventBus:
    """An :class:`~semiont_jobs.ports.EventBus` within one process.

    ``publish`` returns once every matching handler has run, in subscription
    order; a handler's exception is logged and goes no further. Events published
    before a subscription are not replayed to it.
    """

    def __init__(self, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self._hub = _Hub(clock)
        self._scope: ResourceId | None = None

    @classmethod
    def _view(cls, hub: _Hub, scope: ResourceId) -> InMemoryEventBus:
        bus = cls.__new__(cls)
        bus._hub = hub
        bus._scope = scope
        return bus

    async def publish(self, channel: str, payload: JsonObject) -> None:
        event = Event(channel=channel, payload=payload, scope=self._scope, time=self._hub.clock())
        await self._hub.deliver(event)

    async def subscribe(
        self, channel: str | None, handler: EventHandler, *, every_scope: bool = False
    ) -> InMemorySubscription:
        subscriber = _Subscriber(channel, self._scope, every_scope and self._scope is None, handler)
        self._hub.subscribers.append(subscriber)
        return InMemorySubscription(self._hub, subscriber)

    async def close(self) -> None:
        """Drop every subscription (on every scope of this bus)."""
        for subscriber in self._hub.subscribers:
            subscriber.active = False
        self._hub.subscribers.clear()

    def scope(self, resource_id: ResourceId) -> InMemoryEventBus:
        return InMemoryEventBus._view(self._hub, resource_id)
