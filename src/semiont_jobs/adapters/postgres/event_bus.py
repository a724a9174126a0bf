"""Events across processes through PostgreSQL ``NOTIFY``."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from typing import Final

import psycopg

from semiont_jobs.adapters.helpers.subscribers import ListSubscription, Subscribers
from semiont_jobs.adapters.postgres.connection import Target
from semiont_jobs.adapters.postgres.listener import Listener
from semiont_jobs.adapters.postgres.migrate import migrate
from semiont_jobs.adapters.postgres.pool import Connection, Pool, behind_message
from semiont_jobs.codec import message_to_dict
from semiont_jobs.domain.events import EventMessage
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.errors import EventBusError, StoreUnavailableError
from semiont_jobs.ports.event_bus import Event, EventHandler

log = logging.getLogger("semiont_jobs.events")

NOTIFY_LIMIT: Final = 7900
"""Largest notification sent inline, in UTF-8 bytes (the server refuses 8000 and more)."""

_PUBLISH: Final = "SELECT pg_notify(%s, %s)"
_STORE_AND_PUBLISH: Final = """
WITH stored AS (INSERT INTO semiont_jobs_event_payloads (body) VALUES (%(body)s) RETURNING id)
SELECT pg_notify(%(channel)s, json_build_object('ref', id)::text) FROM stored"""
_FETCH: Final = "SELECT body FROM semiont_jobs_event_payloads WHERE id = %s"
_PRUNE: Final = "DELETE FROM semiont_jobs_event_payloads WHERE created < now() - %s"
_PRUNE_EVERY: Final = 100


class _Hub:
    """The connections and subscribers that every scoped view of one bus shares."""

    def __init__(self, target: Target, *, connect_timeout: float, auto_migrate: bool, retention: timedelta):
        self.target = target
        self.connect_timeout = connect_timeout
        self.auto_migrate = auto_migrate
        self.retention = retention
        self.channel = target.channel("events")
        self.subscribers = Subscribers()
        self.pool: Pool | None = None
        self.listener: Listener | None = None
        self.opening = asyncio.Lock()
        self.stored = 0

    def fail(self, exc: BaseException) -> EventBusError:
        """The one place where psycopg's errors become the port's."""
        reason = exc.reason if isinstance(exc, StoreUnavailableError) else self.target.reason(exc)
        return EventBusError(f"event bus at {self.target.where} is unavailable: {reason}")

    async def open(self) -> Pool:
        async with self.opening:
            if self.pool is not None:
                return self.pool
            try:
                if self.auto_migrate:
                    await migrate(
                        self.target.dsn, schema=self.target.schema, connect_timeout=self.connect_timeout
                    )
                listener = Listener(
                    self.target, self.channel, self.receive, connect_timeout=self.connect_timeout
                )
                await listener.start()
            except (psycopg.Error, StoreUnavailableError) as exc:
                raise self.fail(exc) from exc
            pool = Pool(
                self.target, min_size=1, max_size=4, connect_timeout=self.connect_timeout, translate=self.fail
            )
            try:
                problem = behind_message(await pool.open())
            except EventBusError:
                await listener.stop()
                raise
            if problem is not None:
                await listener.stop()
                await pool.close()
                raise EventBusError(f"event bus at {self.target.where} is unavailable: {problem}")
            self.pool, self.listener = pool, listener
            return pool

    async def close(self) -> None:
        async with self.opening:
            pool, listener = self.pool, self.listener
            self.pool = self.listener = None
            if listener is not None:
                await listener.stop()
            if pool is not None:
                await pool.close()

    async def send(self, envelope: str) -> None:
        pool = await self.open()
        inline = len(envelope.encode("utf-8")) <= NOTIFY_LIMIT

        async def notify(conn: Connection, _retrying: bool) -> None:
            if inline:
                await conn.execute(_PUBLISH, (self.channel, envelope))
                return
            await conn.execute(_STORE_AND_PUBLISH, {"body": envelope, "channel": self.channel})
            self.stored += 1
            if self.stored % _PRUNE_EVERY == 0:
                await conn.execute(_PRUNE, (self.retention,))

        await pool.run(notify)

    async def receive(self, notification: str) -> None:
        data = json.loads(notification)
        if "ref" in data:
            data = json.loads(await self.fetch(int(data["ref"])))
        scope = data.get("s")
        event = Event(
            channel=data["c"],
            payload=data["p"],
            scope=None if scope is None else ResourceId(scope),
            time=datetime.fromisoformat(data["t"]),
        )
        await self.subscribers.deliver(event)

    async def fetch(self, ref: int) -> str:
        pool = await self.open()

        async def read(conn: Connection, _retrying: bool) -> str:
            row = await (await conn.execute(_FETCH, (ref,))).fetchone()
            if row is None:
                raise EventBusError(f"stored event payload {ref} is gone (older than the retention?)")
            return str(row[0])

        return await pool.run(read)


PostgresSubscription = ListSubscription
"""Ends deliveries to one handler when closed."""


class PostgresEventBus:
    """An :class:`~semiont_jobs.ports.EventBus` shared by every process using one schema.

    Each event is a ``NOTIFY`` on the schema's channel; a payload too large for
    one is stored in a table and the notification carries its id, so subscribers
    get it whole. Every process listens on its own connection and hands events to
    its subscribers in the order the server delivers them (per publisher, publish
    order). ``NOTIFY`` is not durable: events published while a subscriber's
    connection is down are not delivered to it. Connects on :meth:`open` or on
    first use, never before.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        clock: Clock = utc_now,
        auto_migrate: bool = False,
        connect_timeout: float = 5.0,
        application_name: str = "semiont-jobs-events",
        payload_retention: timedelta = timedelta(hours=1),
    ) -> None:
        target = Target(dsn, schema, application_name)
        self._hub = _Hub(
            target, connect_timeout=connect_timeout, auto_migrate=auto_migrate, retention=payload_retention
        )
        self._clock = clock
        self._scope: ResourceId | None = None

    @property
    def where(self) -> str:
        """The server, database and schema, without the password."""
        return self._hub.target.where

    async def open(self) -> None:
        """Connect now rather than on first use; raises ``EventBusError``."""
        await self._hub.open()

    async def close(self) -> None:
        """Stop listening and disconnect (idempotent); subscriptions get nothing more."""
        await self._hub.close()

    async def publish(self, message: EventMessage) -> None:
        time = self._clock()
        channel = message.channel
        try:
            payload = message_to_dict(message)
            envelope = json.dumps({"c": channel, "s": self._scope, "t": time.isoformat(), "p": payload})
        except (TypeError, ValueError) as exc:
            raise EventBusError(f"payload of {channel!r} is not JSON: {exc}") from exc
        await self._hub.send(envelope)

    async def subscribe(
        self, channel: str | None, handler: EventHandler, *, every_scope: bool = False
    ) -> PostgresSubscription:
        await self._hub.open()
        return self._hub.subscribers.add(channel, self._scope, every_scope, handler)

    def scope(self, resource_id: ResourceId) -> PostgresEventBus:
        view = PostgresEventBus.__new__(PostgresEventBus)
        view._hub = self._hub
        view._clock = self._clock
        view._scope = resource_id
        return view
