"""How the EventBus suite, and the child processes it starts, publish and read events.

Every publish and every payload read of the suite goes through these two functions.
"""

from __future__ import annotations

from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.event_bus import Event, EventBus


async def publish(bus: EventBus, channel: str, payload: JsonObject) -> None:
    """Publish ``payload`` on ``channel`` of ``bus`` (as a ``JsonMessage``)."""
    await bus.publish(JsonMessage(channel=channel, payload=payload))


def payload_of(event: Event) -> JsonObject:
    """The payload of a delivered or replayed event, as published."""
    return event.payload
