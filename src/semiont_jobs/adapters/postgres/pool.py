"""A connection pool whose calls survive a lost connection, for the adapters of this package."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from semiont_jobs.adapters.postgres.connection import Target, is_connection_lost
from semiont_jobs.adapters.postgres.migrate import applied_version, latest_version

T = TypeVar("T")
Connection = psycopg.AsyncConnection[TupleRow]
Operation = Callable[[Connection, bool], Awaitable[T]]
Translate = Callable[[psycopg.Error], Exception]

ATTEMPTS: Final = 3


class Pool:
    """Autocommit connections to one schema.

    :meth:`run` calls ``operation(connection, retrying)``; when the connection
    turns out to be lost it checks the pool and calls again with ``retrying``
    true, so the operation can find out whether its first attempt went through.
    Other psycopg errors, and a lost connection on the last attempt, are passed
    to ``translate`` and raised.
    """

    def __init__(
        self, target: Target, *, min_size: int, max_size: int, connect_timeout: float, translate: Translate
    ) -> None:
        self._target = target
        self._translate = translate
        self._connect_timeout = connect_timeout
        self._pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            target.dsn,
            kwargs={"autocommit": True, **target.connect_kwargs()},
            min_size=min_size,
            max_size=max_size,
            timeout=connect_timeout,
            open=False,
            name=target.application_name,
        )

    async def open(self) -> int:
        """Open the pool and return the schema's migration version."""
        try:
            await self._pool.open(wait=True, timeout=self._connect_timeout)
            async with self._pool.connection() as conn:
                return await applied_version(conn, self._target.schema)
        except psycopg.Error as exc:
            await self._pool.close()
            raise self._translate(exc) from exc

    async def close(self) -> None:
        await self._pool.close()

    async def run(self, operation: Operation[T]) -> T:
        for attempt in range(ATTEMPTS):
            try:
                async with self._pool.connection() as conn:
                    return await operation(conn, attempt > 0)
            except psycopg.Error as exc:
                if attempt + 1 == ATTEMPTS or isinstance(exc, PoolTimeout) or not is_connection_lost(exc):
                    raise self._translate(exc) from exc
                with contextlib.suppress(psycopg.Error):
                    await self._pool.check()
        raise AssertionError("unreachable")


def behind_message(version: int) -> str | None:
    """Why a schema at migration ``version`` cannot be used, or ``None`` when it can."""
    if version >= latest_version():
        return None
    return (
        f"its schema is at migration {version}, this version of semiont-jobs needs {latest_version()};"
        " run `semiont-jobs --dsn DSN db migrate` (or pass auto_migrate=True)"
    )
