"""The EventBus port: named channels, global or scoped to one resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

import attrs

from semiont_jobs.domain.events import EventMessage
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.vocabulary import JsonObject


@attrs.frozen(kw_only=True)
class Event:
    """One published event.

    ``scope`` is the resource the event was published for, ``None`` on the global
    bus. ``seq`` is the event's position in a durable log, ``None`` where the bus
    keeps no log.
    """

    channel: str
    payload: JsonObject
    scope: ResourceId | None = None
    time: datetime | None = None
    seq: int | None = None


EventHandler = Callable[[Event], Awaitable[None]]


class Subscription(Protocol):
    """A live subscription; closing it stops further deliveries."""

    async def close(self) -> None:
        """Stop delivering to this subscription's handler. Idempotent."""
        ...


class EventBus(Protocol):
    """Publishes events to channels and delivers them to subscribers.

    Promises: every subscriber of a channel gets each event published there after
    it subscribed, in publish order per publisher; a failing handler neither
    reaches the publisher nor stops deliveries to others. Delivery may happen after
    ``publish`` returns. Raises :class:`~semiont_jobs.ports.errors.EventBusError`
    when an event cannot be accepted.
    """

    async def publish(self, message: EventMessage) -> None:
        """Publish ``message`` on its channel in this bus's scope.

        Subscribers receive an :class:`Event` whose ``payload`` is the message's
        JSON object, exactly as the wire carries it.
        """
        ...

    async def subscribe(
        self, channel: str | None, handler: EventHandler, *, every_scope: bool = False
    ) -> Subscription:
        """Deliver the events of ``channel`` (every channel when ``None``) to ``handler``.

        On the global bus, ``every_scope=True`` also delivers the events of every
        resource scope; on a scoped bus only that scope's events are delivered.
        """
        ...

    async def close(self) -> None:
        """Stop deliveries and release the bus's resources; idempotent.

        Events whose ``publish`` has returned are not lost by closing.
        """
        ...

    def scope(self, resource_id: ResourceId) -> EventBus:
        """A view of this bus whose channels belong to one resource (no I/O)."""
        ...
