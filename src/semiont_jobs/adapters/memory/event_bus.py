"""Events delivered within one process."""

from __future__ import annotations

import logging

from semiont_jobs.adapters.helpers.subscribers import ListSubscription, Subscribers
from semiont_jobs.codec import message_to_dict
from semiont_jobs.domain.events import EventMessage
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.event_bus import Event, EventHandler

log = logging.getLogger("semiont_jobs.events")


class _Hub:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.subscribers = Subscribers()


InMemorySubscription = ListSubscription
"""Ends deliveries to one handler when closed."""


class InMemoryEventBus:
    """An :class:`~semiont_jobs.ports.EventBus` within one process.

    ``publish`` returns once every matching handler has run, in subscription
    order; a handler's exception is logged and goes no further. Events published
    before a subscription are not replayed to it.
    """

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self._hub = _Hub(clock)
        self._scope: ResourceId | None = None

    @classmethod
    def _view(cls, hub: _Hub, scope: ResourceId) -> InMemoryEventBus:
        bus = cls.__new__(cls)
        bus._hub = hub
        bus._scope = scope
        return bus

    async def publish(self, message: EventMessage) -> None:
        payload = message_to_dict(message)
        event = Event(channel=message.channel, payload=payload, scope=self._scope, time=self._hub.clock())
        await self._hub.subscribers.deliver(event)

    async def subscribe(
        self, channel: str | None, handler: EventHandler, *, every_scope: bool = False
    ) -> InMemorySubscription:
        return self._hub.subscribers.add(channel, self._scope, every_scope, handler)

    async def close(self) -> None:
        """Drop every subscription (on every scope of this bus)."""
        self._hub.subscribers.clear()

    def scope(self, resource_id: ResourceId) -> InMemoryEventBus:
        return InMemoryEventBus._view(self._hub, resource_id)
