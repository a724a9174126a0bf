"""Connecting, failing to connect, and managing the schema."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest
from psycopg import sql

from semiont_jobs import Container, EventBus, JobStore
from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore, latest_version, migrate
from semiont_jobs.adapters.postgres.connection import redact
from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.ports.errors import ConfigurationError, EventBusError, StoreUnavailableError

UNREACHABLE = "postgresql://alice:s3cret-pw@127.0.0.1:1/jobsdb"


def test_passwords_are_redacted_in_both_dsn_forms() -> None:
    assert redact("postgresql://alice:s3cret@db:5432/x failed") == "postgresql://alice:***@db:5432/x failed"
    assert redact("host=db password=s3cret dbname=x") == "host=db password=*** dbname=x"
    assert redact("it was s3cret", "s3cret") == "it was ***"


def test_constructing_adapters_connects_to_nothing() -> None:
    PostgresJobStore(UNREACHABLE)
    PostgresEventBus(UNREACHABLE)


async def test_unreachable_store_names_the_server_not_the_password() -> None:
    store = PostgresJobStore(UNREACHABLE, connect_timeout=1)
    with pytest.raises(StoreUnavailableError) as caught:
        await store.open()
    message = str(caught.value)
    assert "127.0.0.1:1/jobsdb" in message and "alice" in message
    assert "s3cret" not in message
    assert caught.value.where.startswith("postgresql://alice@127.0.0.1:1/jobsdb")


async def test_unreachable_bus_names_the_server_not_the_password() -> None:
    bus = PostgresEventBus(UNREACHABLE, connect_timeout=1)
    with pytest.raises(EventBusError) as caught:
        await bus.publish(JsonMessage(channel="job:start", payload={"jobId": "j1"}))
    message = str(caught.value)
    assert "127.0.0.1:1/jobsdb" in message
    assert "s3cret" not in message


async def test_unknown_database_is_a_clear_error(pg_dsn: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(pg_dsn)
    info["dbname"] = "no_such_database_here"
    store = PostgresJobStore(psycopg.conninfo.make_conninfo("", **info))
    with pytest.raises(StoreUnavailableError, match="no_such_database_here"):
        await store.open()


def test_a_malformed_dsn_is_a_configuration_error_without_the_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        PostgresJobStore("host=db password=s3cret bogus")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(ConfigurationError, match="schema"):
        PostgresJobStore("postgresql://db/x", schema="Robert'); DROP TABLE")


async def test_store_refuses_an_unmigrated_schema(pg_dsn: str, pg_schema: str) -> None:
    store = PostgresJobStore(pg_dsn, schema=pg_schema)
    with pytest.raises(StoreUnavailableError, match="migrate"):
        await store.open()
    bus = PostgresEventBus(pg_dsn, schema=pg_schema)
    with pytest.raises(EventBusError, match="migrate"):
        await bus.open()


async def test_auto_migrate_prepares_the_schema(pg_dsn: str, pg_schema: str) -> None:
    store = PostgresJobStore(pg_dsn, schema=pg_schema, auto_migrate=True)
    await store.open()
    try:
        assert (await store.stats()).total == 0
    finally:
        await store.close()


async def test_migrate_is_idempotent_and_recorded(pg_dsn: str, pg_schema: str) -> None:
    assert await migrate(pg_dsn, schema=pg_schema) == list(range(1, latest_version() + 1))
    assert await migrate(pg_dsn, schema=pg_schema) == []
    async with await psycopg.AsyncConnection.connect(pg_dsn) as conn:
        query = sql.SQL("SELECT version FROM {}.semiont_jobs_migrations ORDER BY version")
        rows = await (await conn.execute(query.format(sql.Identifier(pg_schema)))).fetchall()
    assert [row[0] for row in rows] == list(range(1, latest_version() + 1))


def test_processes_migrating_at_once_both_succeed(pg_dsn: str, pg_schema: str) -> None:
    command = [sys.executable, "-m", "semiont_jobs", "--dsn", pg_dsn, "db", "migrate", "--schema", pg_schema]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sorted(out for out, _err in outputs).count("schema is up to date\n") == 2


async def test_container_selects_postgres_adapters_without_connecting(
    pg_dsn: str, migrated_schema: str
) -> None:
    container = Container()
    container.config.from_dict(
        {
            "job_store": {"backend": "postgres", "dsn": pg_dsn, "schema": migrated_schema},
            "event_bus": {"backend": "postgres"},
        }
    )
    store: JobStore = container.job_store()
    bus: EventBus = container.event_bus()
    assert isinstance(store, PostgresJobStore) and isinstance(bus, PostgresEventBus)
    assert store.where == bus.where
    queue = container.job_queue()
    await queue.open()
    try:
        assert (await queue.get_stats()).total == 0
    finally:
        await queue.close()
        await bus.close()


def test_container_without_a_dsn_says_which_setting() -> None:
    container = Container()
    container.config.from_dict({"job_store": {"backend": "postgres"}})
    with pytest.raises(ConfigurationError, match="dsn"):
        container.job_store()


async def test_calls_before_open_are_refused(pg_dsn: str) -> None:
    store = PostgresJobStore(pg_dsn)
    with pytest.raises(StoreUnavailableError, match="open"):
        await store.stats()
