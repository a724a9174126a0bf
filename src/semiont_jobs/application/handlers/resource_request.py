"""Asking the backend to create a resource, and waiting for the answer to that request only.

Correlation rule: every ``yield:create`` carries a fresh ``requestId``. The
backend answers with ``yield:created`` {resourceId, requestId} or
``yield:create-failed`` {error, requestId}, echoing that ``requestId``. A reply
is accepted only when its ``requestId`` equals ours; replies without one, or
with another, are ignored (never taken as ours). Replies are listened for on
the global bus and on every resource scope.
"""

from __future__ import annotations

import asyncio
import uuid

from semiont_jobs.application.handlers.errors import (
    InvalidCreationReplyError,
    ResourceCreationFailedError,
    ResourceCreationTimeoutError,
)
from semiont_jobs.domain import events
from semiont_jobs.domain.events import YieldCreateMessage
from semiont_jobs.ports.event_bus import Event, EventBus


def new_request_id() -> str:
    return uuid.uuid4().hex


async def request_resource(bus: EventBus, request: YieldCreateMessage, timeout: float) -> str:
    """Publish ``request``; return the id of the resource the backend created for it.

    Raises :class:`ResourceCreationTimeoutError` when no answer to this request
    arrives within ``timeout`` seconds, :class:`ResourceCreationFailedError` when
    the backend answers ``yield:create-failed``, and
    :class:`InvalidCreationReplyError` when its ``yield:created`` has no resource id.
    """
    request_id = request.request_id
    answer: asyncio.Future[Event] = asyncio.get_running_loop().create_future()

    async def on_reply(event: Event) -> None:
        if event.payload.get("requestId") == request_id and not answer.done():
            answer.set_result(event)

    subscriptions = [
        await bus.subscribe(events.YIELD_CREATED, on_reply, every_scope=True),
        await bus.subscribe(events.YIELD_CREATE_FAILED, on_reply, every_scope=True),
    ]
    try:
        await bus.publish(request)
        try:
            reply = await asyncio.wait_for(answer, timeout)
        except TimeoutError:
            raise ResourceCreationTimeoutError(request_id, timeout) from None
    finally:
        for subscription in subscriptions:
            await subscription.close()
    if reply.channel == events.YIELD_CREATE_FAILED:
        raise ResourceCreationFailedError(request_id, str(reply.payload.get("error") or "no reason given"))
    resource_id = reply.payload.get("resourceId")
    if not isinstance(resource_id, str) or not resource_id:
        raise InvalidCreationReplyError(request_id, reply.payload)
    return resource_id
