"""Who receives which event: the subscriber list every event bus adapter keeps.

Not an adapter: a neutral helper the bus adapters share, so that the routing
rule of the EventBus port (channel, scope, every_scope) is written once.
"""

from __future__ import annotations

import logging

import attrs

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.event_bus import Event, EventHandler

log = logging.getLogger("semiont_jobs.events")


@attrs.define(eq=False)
class Subscriber:
    """One handler and the events it asked for."""

    channel: str | None
    scope: ResourceId | None
    every_scope: bool
    handler: EventHandler
    active: bool = True

    def wants(self, event: Event) -> bool:
        if not self.active or (self.channel is not None and self.channel != event.channel):
            return False
        return self.every_scope or self.scope == event.scope


class Subscribers:
    """The live subscriptions of one bus, shared by all its scoped views."""

    def __init__(self) -> None:
        self._items: list[Subscriber] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(
        self, channel: str | None, scope: ResourceId | None, every_scope: bool, handler: EventHandler
    ) -> ListSubscription:
        """Subscribe ``handler``; ``every_scope`` counts only on the global bus (``scope`` None)."""
        subscriber = Subscriber(channel, scope, every_scope and scope is None, handler)
        self._items.append(subscriber)
        return ListSubscription(self, subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        subscriber.active = False
        if subscriber in self._items:
            self._items.remove(subscriber)

    def clear(self) -> None:
        for subscriber in self._items:
            subscriber.active = False
        self._items.clear()

    async def deliver(self, event: Event) -> None:
        """Run every matching handler in subscription order; a failing handler is logged, not raised."""
        for subscriber in list(self._items):
            if subscriber.wants(event):
                try:
                    await subscriber.handler(event)
                except Exception:
                    log.exception("event handler failed on %s", event.channel)


class ListSubscription:
    """Ends deliveries to one handler when closed (idempotent)."""

    def __init__(self, subscribers: Subscribers, subscriber: Subscriber) -> None:
        self._subscribers = subscribers
        self._subscriber = subscriber

    async def close(self) -> None:
        self._subscribers.remove(self._subscriber)
