"""A dedicated connection that LISTENs on one channel and survives losing its server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import psycopg
from psycopg import sql

from semiont_jobs.adapters.postgres.connection import Target

log = logging.getLogger("semiont_jobs.postgres")

NotificationHandler = Callable[[str], Awaitable[None]]


class Listener:
    """Delivers each notification's payload on ``channel`` to ``handler``, in order.

    ``start`` connects and LISTENs before returning (raising psycopg's error when
    it cannot). Afterwards a lost connection is re-established in the background;
    ``on_reconnect`` runs after each reconnection, since notifications sent in
    between are gone.
    """

    def __init__(
        self,
        target: Target,
        channel: str,
        handler: NotificationHandler,
        *,
        connect_timeout: float,
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
        max_backoff: float = 2.0,
    ) -> None:
        self._target = target
        self._channel = channel
        self._handler = handler
        self._connect_timeout = connect_timeout
        self._on_reconnect = on_reconnect
        self._max_backoff = max_backoff
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def start(self) -> None:
        if self._task is not None:
            return
        conn = await self._connect()
        self._task = asyncio.create_task(self._run(conn), name=f"listen {self._channel}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.connected.clear()

    async def _connect(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        conn = await psycopg.AsyncConnection.connect(
            self._target.dsn,
            autocommit=True,
            connect_timeout=max(1, round(self._connect_timeout)),
            **self._target.connect_kwargs(),
        )
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        except BaseException:
            await conn.close()
            raise
        self.connected.set()
        return conn

    async def _run(self, conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        backoff = 0.05
        while True:
            try:
                async with conn:
                    async for notify in conn.notifies():
                        await self._deliver(notify.payload)
            except psycopg.Error as exc:
                log.warning("lost the LISTEN connection on %s: %s", self._channel, self._target.reason(exc))
            self.connected.clear()
            while True:
                await asyncio.sleep(backoff)
                try:
                    conn = await self._connect()
                except psycopg.Error as exc:
                    backoff = min(backoff * 2, self._max_backoff)
                    log.debug("reconnecting to %s failed: %s", self._target.where, self._target.reason(exc))
                    continue
                backoff = 0.05
                break
            if self._on_reconnect is not None:
                await self._on_reconnect()

    async def _deliver(self, payload: str) -> None:
        try:
            await self._handler(payload)
        except Exception:
            log.exception("notification handler failed on %s", self._channel)
