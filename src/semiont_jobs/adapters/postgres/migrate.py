"""Versioned schema migrations shipped with the package, applied in order under a lock."""

from __future__ import annotations

import importlib.resources
import re
from typing import Final

import attrs
import psycopg
from psycopg import sql

from semiont_jobs.adapters.postgres.connection import Target
from semiont_jobs.ports.errors import StoreUnavailableError

MIGRATIONS_TABLE: Final = "semiont_jobs_migrations"
_LOCK_CLASS: Final = 0x5E_0B  # first key of the advisory lock; the second is the schema's hash
_FILE_NAME: Final = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


@attrs.frozen
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration in the package, in version order."""
    found: list[Migration] = []
    folder = importlib.resources.files("semiont_jobs.adapters.postgres") / "migrations"
    for entry in folder.iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match is not None:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    return found


def latest_version() -> int:
    """The version the package's code expects."""
    return max(migration.version for migration in migrations())


async def applied_version(conn: psycopg.AsyncConnection[tuple[object, ...]], schema: str) -> int:
    """The highest migration recorded in ``schema`` (0 when none is)."""
    cursor = await conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{schema}.{MIGRATIONS_TABLE}",))
    exists = await cursor.fetchone()
    if not exists or not exists[0]:
        return 0
    query = sql.SQL("SELECT coalesce(max(version), 0) FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(MIGRATIONS_TABLE)
    )
    row = await (await conn.execute(query)).fetchone()
    return int(row[0]) if row else 0  # type: ignore[call-overload]


async def migrate(dsn: str, *, schema: str = "public", connect_timeout: float = 10.0) -> list[int]:
    """Bring ``schema`` up to the latest migration; return the versions applied now.

    Idempotent, and safe when several processes run it at once: they take turns
    on a transaction-scoped advisory lock. Raises ``StoreUnavailableError`` when
    the server cannot be reached.
    """
    target = Target(dsn, schema, application_name="semiont-jobs-migrate")
    try:
        async with (
            await psycopg.AsyncConnection.connect(
                dsn, connect_timeout=max(1, round(connect_timeout)), **target.connect_kwargs()
            ) as conn,
            conn.transaction(),
        ):
            await conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_CLASS, schema))
            await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            await conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.{} (version integer PRIMARY KEY, name text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now())"
                ).format(sql.Identifier(schema), sql.Identifier(MIGRATIONS_TABLE))
            )
            current = await applied_version(conn, schema)
            applied: list[int] = []
            for migration in migrations():
                if migration.version <= current:
                    continue
                await conn.execute(sql.SQL(migration.sql))
                await conn.execute(
                    sql.SQL("INSERT INTO {}.{} (version, name) VALUES (%s, %s)").format(
                        sql.Identifier(schema), sql.Identifier(MIGRATIONS_TABLE)
                    ),
                    (migration.version, migration.name),
                )
                applied.append(migration.version)
            return applied
    except psycopg.Error as exc:
        raise StoreUnavailableError(target.where, target.reason(exc)) from exc
