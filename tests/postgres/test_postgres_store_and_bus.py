"""What the PostgreSQL adapters promise beyond the contract suites."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from semiont_jobs import JobId, ResourceId
from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore
from semiont_jobs.adapters.postgres.event_bus import NOTIFY_LIMIT
from semiont_jobs.codec import job_to_dict
from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.ports import LeaseLostError
from semiont_jobs.testing.jobs import pending
from semiont_jobs.testing.recorder import Recorder

LEASE = timedelta(seconds=30)


async def fetch(dsn: str, schema: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    async with await psycopg.AsyncConnection.connect(dsn, options=f"-c search_path={schema}") as conn:
        return await (await conn.execute(query, params)).fetchall()


async def terminate(dsn: str, application_name: str) -> int:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (application_name,),
        )
        return len(await cursor.fetchall())


async def test_jobs_are_stored_as_wire_json_with_indexed_columns(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    job = pending("job-a", job_type="tag-annotation", user="bob")
    await postgres_job_store.create(job)
    [(status, job_type, user_id, document)] = await fetch(
        pg_dsn, migrated_schema, "SELECT status, type, user_id, document FROM semiont_jobs"
    )
    assert (status, job_type, user_id) == ("pending", "tag-annotation", "bob")
    assert document == job_to_dict(job)


async def test_claim_with_a_predicate_looks_past_the_first_batch(
    postgres_job_store: PostgresJobStore,
) -> None:
    for i in range(20):
        await postgres_job_store.create(pending(f"job-{i:02d}", offset_seconds=i, user=f"u{i}"))
    claim = await postgres_job_store.claim("w", LEASE, accept=lambda job: job.user_id == "u17")
    assert claim is not None and claim.job_id == "job-17"
    assert (await postgres_job_store.stats()).running == 1
    nothing = await postgres_job_store.claim("w", LEASE, accept=lambda job: job.user_id == "nobody")
    assert nothing is None
    assert (await postgres_job_store.stats()).pending == 19


async def test_lease_on_a_deleted_job_is_gone(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    await postgres_job_store.create(pending("job-a"))
    claim = await postgres_job_store.claim("w", LEASE)
    assert claim is not None
    async with await psycopg.AsyncConnection.connect(pg_dsn, autocommit=True) as conn:
        await conn.execute(sql.SQL("DELETE FROM {}.semiont_jobs").format(sql.Identifier(migrated_schema)))
    with pytest.raises(LeaseLostError) as lost:
        await postgres_job_store.renew(claim, LEASE)
    assert lost.value.reason == "gone"


async def test_a_store_in_another_process_wakes_on_a_new_job(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    other = PostgresJobStore(pg_dsn, schema=migrated_schema)
    await other.open()
    try:
        waiter = asyncio.create_task(other.wait_for_work(30))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await postgres_job_store.create(pending("job-a"))
        await asyncio.wait_for(waiter, 5)
        assert time.monotonic() - started < 5
        claim = await other.claim("w", LEASE)
        assert claim is not None and claim.job_id == "job-a"
    finally:
        await other.close()


async def test_store_survives_its_connections_being_terminated(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    store = PostgresJobStore(
        pg_dsn, schema=migrated_schema, application_name="semiont-test-killed", max_connections=4
    )
    await store.open()
    try:
        for i in range(4):
            await store.create(pending(f"job-{i}", offset_seconds=i))
        claim = await store.claim("w", LEASE)
        assert claim is not None
        assert await terminate(pg_dsn, "semiont-test-killed") >= 2
        await store.finish(claim, claim.job.complete(None, claim.job.started_at))
        assert (await store.get(JobId(claim.job_id))).status == "complete"  # type: ignore[union-attr]
        again = await store.claim("w", LEASE)
        assert again is not None and again.job_id == "job-1"
        await asyncio.sleep(0.5)
        waiter = asyncio.create_task(store.wait_for_work(30))
        await asyncio.sleep(0.1)
        await postgres_job_store.create(pending("job-new", offset_seconds=9))
        await asyncio.wait_for(waiter, 5)
        stats = await store.stats()
        assert (stats.pending, stats.running, stats.complete) == (3, 1, 1)
    finally:
        await store.close()


async def test_large_payload_reaches_another_bus_whole(
    postgres_event_bus: PostgresEventBus, pg_dsn: str, migrated_schema: str
) -> None:
    receiver = PostgresEventBus(pg_dsn, schema=migrated_schema)
    recorder = Recorder()
    await receiver.subscribe("mark:create", recorder, every_scope=True)
    annotation = {"id": "ann-1", "body": [{"value": "é" * 40_000}]}
    try:
        await postgres_event_bus.scope(ResourceId("res-1")).publish(
            JsonMessage(channel="mark:create", payload={"annotation": annotation})
        )
        await postgres_event_bus.publish(JsonMessage(channel="mark:create", payload={"small": True}))
        await recorder.wait_for_count(2)
    finally:
        await receiver.close()
    assert [event.payload for event in recorder.events] == [{"annotation": annotation}, {"small": True}]
    assert recorder.events[0].scope == ResourceId("res-1")
    assert len(str(annotation).encode()) > NOTIFY_LIMIT
    [(stored,)] = await fetch(pg_dsn, migrated_schema, "SELECT count(*) FROM semiont_jobs_event_payloads")
    assert stored == 1


async def test_events_cross_buses_in_order_and_scope(
    postgres_event_bus: PostgresEventBus, pg_dsn: str, migrated_schema: str
) -> None:
    receiver = PostgresEventBus(pg_dsn, schema=migrated_schema)
    in_r1, everything = Recorder(), Recorder()
    await receiver.scope(ResourceId("res-1")).subscribe("tick", in_r1)
    await receiver.subscribe(None, everything, every_scope=True)
    try:
        for n in range(50):
            target = postgres_event_bus.scope(ResourceId("res-1" if n % 2 else "res-2"))
            await target.publish(JsonMessage(channel="tick", payload={"n": n}))
        await everything.wait_for_count(50)
        await in_r1.wait_for_count(25)
    finally:
        await receiver.close()
    assert [event.payload["n"] for event in everything.events] == list(range(50))
    assert [event.payload["n"] for event in in_r1.events] == list(range(1, 50, 2))
