"""A real PostgreSQL server for tests: each test gets a fresh schema, dropped afterwards.

The server is ``$SEMIONT_JOBS_TEST_PG_DSN`` or the local default. When that
variable is unset and no server answers, PostgreSQL tests are skipped with the
reason; when it is set, they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import psycopg
import pytest
from psycopg import sql

from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore, migrate

DSN_VARIABLE = "SEMIONT_JOBS_TEST_PG_DSN"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def test_dsn() -> str:
    return os.environ.get(DSN_VARIABLE) or DEFAULT_DSN


def drop_schema(dsn: str, schema: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """The test server's DSN, once it is known to answer."""
    dsn = test_dsn()
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = f"PostgreSQL at {dsn} is not reachable: {' '.join(str(exc).split())}"
        if os.environ.get(DSN_VARIABLE):
            pytest.fail(f"{reason} ({DSN_VARIABLE} is set, so PostgreSQL tests must run)")
        pytest.skip(f"{reason}; set {DSN_VARIABLE} to run these tests")
    return dsn


@pytest.fixture
def pg_schema(pg_dsn: str) -> Iterator[str]:
    """A schema name of this test's own; the schema is dropped afterwards."""
    schema = f"semiont_test_{uuid.uuid4().hex[:12]}"
    yield schema
    drop_schema(pg_dsn, schema)


@pytest.fixture
async def migrated_schema(pg_dsn: str, pg_schema: str) -> str:
    await migrate(pg_dsn, schema=pg_schema)
    return pg_schema


@pytest.fixture
async def postgres_job_store(pg_dsn: str, migrated_schema: str) -> AsyncIterator[PostgresJobStore]:
    store = PostgresJobStore(pg_dsn, schema=migrated_schema, max_connections=16)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def postgres_event_bus(pg_dsn: str, migrated_schema: str) -> AsyncIterator[PostgresEventBus]:
    bus = PostgresEventBus(pg_dsn, schema=migrated_schema)
    yield bus
    await bus.close()
