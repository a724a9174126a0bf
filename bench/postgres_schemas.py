"""Schemas and jobs for ``bench/postgres.py``: a fresh schema per run, ours migrated or pgqueuer installed."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg import sql

from semiont_jobs import PendingJob
from semiont_jobs.adapters.postgres import migrate
from semiont_jobs.testing.jobs import pending


def jobs(count: int, prefix: str = "job") -> list[PendingJob[Any]]:
    return [pending(f"{prefix}-{i:06d}", offset_seconds=i / 1000) for i in range(count)]


def options(schema: str) -> str:
    return f"-c search_path={schema}"


async def fresh_schema(dsn: str, kind: str = "ours") -> str:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    if not kind.startswith("pgqueuer-"):
        await migrate(dsn, schema=schema)
        return schema
    from pgqueuer.queries import Queries
    from postgres_children import pgqueuer_driver

    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as admin:
        await admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    driver, conn = await pgqueuer_driver("psycopg", dsn, schema)
    await Queries(driver).install(create_schema=False)
    await conn.close()
    return schema


async def drop(dsn: str, schema: str) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
