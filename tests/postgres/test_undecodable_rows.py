"""A row whose document cannot be read as a job never blocks the queue, and is kept for inspection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
from psycopg import sql

from semiont_jobs.adapters.postgres import PostgresJobStore
from semiont_jobs.domain import JobQuery
from semiont_jobs.testing.jobs import pending

LEASE = timedelta(seconds=30)
BREAK_TYPE = (
    "UPDATE {}.semiont_jobs SET document = jsonb_set(document, '{{metadata,type}}', '\"?\"') WHERE id = %s"
)


def execute(dsn: str, schema: str, statement: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cursor = conn.execute(sql.SQL(statement).format(sql.Identifier(schema)), args)
        return cursor.fetchall() if cursor.description else []


async def jobs_with_one_unreadable(
    store: PostgresJobStore, dsn: str, schema: str, count: int, unreadable: str
) -> None:
    for i in range(count):
        await store.create(pending(f"job-{i}", offset_seconds=i))
    execute(dsn, schema, BREAK_TYPE, unreadable)


async def test_an_unreadable_oldest_job_is_set_aside_and_the_next_ones_are_claimed(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    await jobs_with_one_unreadable(postgres_job_store, pg_dsn, migrated_schema, 4, "job-0")
    first = await postgres_job_store.claim_many("w", LEASE, 2)
    rest = await postgres_job_store.claim_many("w", LEASE, 5)
    assert [claim.job_id for claim in first + rest] == ["job-1", "job-2", "job-3"]
    kept = execute(
        pg_dsn, migrated_schema, "SELECT id, status, reason, document FROM {}.semiont_jobs_quarantine"
    )
    assert [(job_id, status) for job_id, status, _, _ in kept] == [("job-0", "running")]
    assert "metadata.type" in kept[0][2] and kept[0][3]["metadata"]["type"] == "?"
    stats = await postgres_job_store.stats()
    assert (stats.quarantined, stats.running, stats.pending) == (1, 3, 0)


async def test_a_worker_with_a_predicate_passes_an_unreadable_job_by(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    await jobs_with_one_unreadable(postgres_job_store, pg_dsn, migrated_schema, 3, "job-1")
    claims = await postgres_job_store.claim_many("w", LEASE, 3, accept=lambda job: True)
    assert [claim.job_id for claim in claims] == ["job-0", "job-2"]
    assert (await postgres_job_store.stats()).quarantined == 1


async def test_a_listing_leaves_an_unreadable_job_out(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    await jobs_with_one_unreadable(postgres_job_store, pg_dsn, migrated_schema, 3, "job-1")
    listed = await postgres_job_store.list(JobQuery())
    assert sorted(job.id for job in listed) == ["job-0", "job-2"]


async def test_recovery_sets_aside_an_unreadable_expired_job_and_recovers_the_rest(
    postgres_job_store: PostgresJobStore, pg_dsn: str, migrated_schema: str
) -> None:
    for i in range(3):
        await postgres_job_store.create(pending(f"job-{i}", offset_seconds=i))
    assert len(await postgres_job_store.claim_many("w", timedelta(milliseconds=1), 3)) == 3
    execute(pg_dsn, migrated_schema, BREAK_TYPE, "job-2")
    execute(
        pg_dsn, migrated_schema, "UPDATE {}.semiont_jobs SET lease_expires_at = now() - interval '1 minute'"
    )
    recovered = await postgres_job_store.recover_expired()
    assert sorted(job.id for job in recovered) == ["job-0", "job-1"]
    stats = await postgres_job_store.stats()
    assert (stats.pending, stats.running, stats.quarantined) == (2, 0, 1)
