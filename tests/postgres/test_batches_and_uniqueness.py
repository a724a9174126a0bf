"""The PostgreSQL store's batches, priorities, unique jobs and traces, beyond the contract suite."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import attrs
import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

from semiont_jobs.adapters.postgres import PostgresJobStore, migrate
from semiont_jobs.adapters.postgres.migrate import MIGRATIONS_TABLE, migrations
from semiont_jobs.codec import job_to_dict
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_store import Claim
from semiont_jobs.testing.jobs import pending

LEASE = timedelta(seconds=30)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _now() -> datetime:
    return datetime.now(UTC)


async def test_a_claim_keeps_the_jobs_traceparent(postgres_job_store: PostgresJobStore) -> None:
    for i in range(3):
        job = attrs.evolve(pending(f"job-{i}", offset_seconds=i), traceparent=TRACEPARENT if i else None)
        await postgres_job_store.create(job)
    first = await postgres_job_store.claim("w", LEASE)
    batch = await postgres_job_store.claim_many("w", LEASE, 5)
    assert first is not None and first.job.traceparent is None
    assert [claim.job.traceparent for claim in batch] == [TRACEPARENT, TRACEPARENT]
    stored = await postgres_job_store.get(batch[0].job_id)
    assert isinstance(stored, RunningJob) and stored.traceparent == TRACEPARENT


async def test_unique_creates_racing_over_two_pools_make_one_job_per_key(
    pg_dsn: str, migrated_schema: str
) -> None:
    stores = [PostgresJobStore(pg_dsn, schema=migrated_schema, max_connections=8) for _ in range(2)]
    for store in stores:
        await store.open()
    try:
        creates = [
            store.create(pending(f"job-{key}-{n}", unique_key=f"key-{key}", offset_seconds=n))
            for key in range(20)
            for n, store in enumerate(stores * 3)
        ]
        ids = await asyncio.gather(*creates)
        for key in range(20):
            assert len({job_id for job_id in ids if job_id.startswith(f"job-{key}-")}) == 1
        assert (await stores[0].stats()).pending == 20
    finally:
        for store in stores:
            await store.close()


async def test_claims_across_candidate_pages_keep_priority_order(pg_dsn: str, migrated_schema: str) -> None:
    store = PostgresJobStore(pg_dsn, schema=migrated_schema, claim_batch=2)
    await store.open()
    try:
        for i in range(9):
            await store.create(pending(f"job-{i}", offset_seconds=i, priority=i % 3, user=f"u{i % 2}"))
        claims = await store.claim_many("w", LEASE, 4, accept=lambda job: job.user_id == "u0")
        assert [claim.job_id for claim in claims] == ["job-2", "job-8", "job-4", "job-0"]
        rest = await store.claim_many("w", LEASE, 10)
        assert [claim.job_id for claim in rest] == ["job-5", "job-1", "job-7", "job-3", "job-6"]
    finally:
        await store.close()


async def test_finishes_and_renewals_arriving_together_each_hold_to_their_own_claim(
    postgres_job_store: PostgresJobStore,
) -> None:
    store = postgres_job_store
    for i in range(12):
        await store.create(pending(f"job-{i:02d}", offset_seconds=i))
    claims = await store.claim_many("w", LEASE, 12)
    stale = attrs.evolve(claims[0], token="not-the-token")
    finishing, renewing = claims[:8], claims[8:]
    results = await asyncio.gather(
        *(store.finish(claim, claim.job.complete(None, _now())) for claim in finishing),
        *(store.renew(claim, timedelta(minutes=10)) for claim in renewing),
        store.renew(stale, LEASE),
        store.finish(claims[1], claims[1].job.complete(None, _now())),
        return_exceptions=True,
    )
    assert results[:8] == [None] * 8
    for claim, renewed in zip(renewing, results[8:12], strict=True):
        assert isinstance(renewed, Claim)
        assert renewed.token == claim.token and renewed.expires_at > claim.expires_at
    assert isinstance(results[12], LeaseLostError)
    assert isinstance(results[13], LeaseLostError)
    stats = await store.stats()
    assert (stats.complete, stats.running) == (8, 4)


async def test_migration_3_upgrades_a_schema_holding_jobs(pg_dsn: str, pg_schema: str) -> None:
    old = [migration for migration in migrations() if migration.version <= 2]
    async with await psycopg.AsyncConnection.connect(
        pg_dsn, autocommit=True, options=f"-c search_path={pg_schema}"
    ) as conn:
        await conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(pg_schema)))
        await conn.execute(
            sql.SQL(
                "CREATE TABLE {} (version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(MIGRATIONS_TABLE))
        )
        for migration in old:
            await conn.execute(sql.SQL(migration.sql))
            await conn.execute(
                sql.SQL("INSERT INTO {} VALUES (%s, %s)").format(sql.Identifier(MIGRATIONS_TABLE)),
                (migration.version, migration.name),
            )
        for i, job in enumerate([pending("job-low"), pending("job-high", priority=5, offset_seconds=1)]):
            await conn.execute(
                "INSERT INTO semiont_jobs (id, status, type, user_id, created, document)"
                " VALUES (%s, 'pending', %s, %s, %s, %s)",
                (
                    job.id,
                    job.type,
                    job.user_id,
                    job.metadata.created + timedelta(seconds=i),
                    Jsonb(job_to_dict(job)),
                ),
            )
    assert await migrate(pg_dsn, schema=pg_schema) == [3, 4]
    store = PostgresJobStore(pg_dsn, schema=pg_schema)
    await store.open()
    try:
        claims = await store.claim_many("w", LEASE, 2)
        assert [claim.job_id for claim in claims] == ["job-high", "job-low"]
    finally:
        await store.close()


async def test_claim_many_refuses_a_limit_below_one(postgres_job_store: PostgresJobStore) -> None:
    with pytest.raises(ValueError, match="limit"):
        await postgres_job_store.claim_many("w", LEASE, 0)
