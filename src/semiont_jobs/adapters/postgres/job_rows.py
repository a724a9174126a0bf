"""The SQL of the jobs table, a job's indexed columns, and the small queries the store repeats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import psycopg
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from semiont_jobs.adapters.postgres.quarantine import Unreadable, read_job, set_aside
from semiont_jobs.codec import job_to_dict
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob, finished_at
from semiont_jobs.ports.errors import LeaseLostError

Connection = psycopg.AsyncConnection[TupleRow]

_COLUMNS: Final = "id, status, type, user_id, created, run_after, finished_at, document, priority, unique_key"

INSERT: Final = f"""
WITH inserted AS (
    INSERT INTO semiont_jobs ({_COLUMNS})
    VALUES (%(id)s, %(status)s, %(type)s, %(user_id)s, %(created)s, %(run_after)s, %(finished_at)s,
            %(document)s, %(priority)s, %(unique_key)s)
    ON CONFLICT DO NOTHING
    RETURNING type)
SELECT count(*) FROM inserted, pg_notify(%(channel)s, inserted.type)"""

INSERT_MANY: Final = f"""
WITH inserted AS (
    INSERT INTO semiont_jobs ({_COLUMNS})
    SELECT {_COLUMNS}
    FROM unnest(%(id)s::text[], %(status)s::text[], %(type)s::text[], %(user_id)s::text[],
                %(created)s::timestamptz[], %(run_after)s::timestamptz[], %(finished_at)s::timestamptz[],
                %(document)s::jsonb[], %(priority)s::integer[], %(unique_key)s::text[])
        WITH ORDINALITY AS given({_COLUMNS}, n)
    ORDER BY n
    RETURNING type)
SELECT n, pg_notify(%(channel)s, '') FROM (SELECT count(*) AS n FROM inserted) AS counted WHERE n > 0"""

SELECT_DOCUMENT: Final = "SELECT document FROM semiont_jobs WHERE id = %s"
SELECT_STATUS: Final = "SELECT status FROM semiont_jobs WHERE id = %s"
SELECT_HOLDER: Final = """
SELECT id FROM semiont_jobs WHERE unique_key = %(unique_key)s AND status IN ('pending', 'running')"""

_REPLACE: Final = """
    UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
        document = %(document)s, priority = %(priority)s, unique_key = %(unique_key)s,
        lease_owner = CASE WHEN %(status)s = 'running' THEN lease_owner END,
        lease_token = CASE WHEN %(status)s = 'running' THEN lease_token END,
        lease_expires_at = CASE WHEN %(status)s = 'running' THEN lease_expires_at END"""

_COUNT_AND_NOTIFY: Final = """
SELECT count(*), count(pg_notify(%(channel)s, type)) FILTER (WHERE status = 'pending') FROM written"""

UPDATE: Final = f"""
WITH written AS ({_REPLACE}
    WHERE id = %(id)s AND status = %(expected)s
    RETURNING status, type){_COUNT_AND_NOTIFY}"""

RENEW: Final = """
UPDATE semiont_jobs SET lease_expires_at = now() + %(lease)s
WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
RETURNING id, lease_expires_at"""

FINISH: Final = f"""
WITH written AS ({_REPLACE}
    WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
    RETURNING status, type){_COUNT_AND_NOTIFY}"""

SAVE_PROGRESS: Final = """
UPDATE semiont_jobs SET document = %(document)s
WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
RETURNING lease_expires_at"""

_OF_TYPES: Final = " AND type = ANY(%(types)s)"


def expired(with_types: bool) -> str:
    return f"""
SELECT document, now(), id FROM semiont_jobs
WHERE status = 'running' AND lease_expires_at <= now(){_OF_TYPES if with_types else ""}
ORDER BY lease_expires_at FOR UPDATE SKIP LOCKED"""


RECOVER: Final = """
UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
    document = %(document)s, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE id = %(id)s"""

STATS: Final = """
SELECT status, count(*) FROM semiont_jobs GROUP BY status
UNION ALL SELECT 'quarantined', count(*) FROM semiont_jobs_quarantine"""

DELETE_FINISHED: Final = """
DELETE FROM semiont_jobs WHERE status = ANY(%(statuses)s) AND finished_at < %(cutoff)s"""

NOTIFY: Final = "SELECT pg_notify(%(channel)s, '')"


def list_query(filters: list[str]) -> str:
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    return f"""
SELECT document, id FROM semiont_jobs {where}
ORDER BY created DESC, seq DESC LIMIT %(limit)s OFFSET %(offset)s"""


def row_of(job: Job) -> dict[str, Any]:
    """The indexed columns and document of ``job``."""
    return {
        "id": job.id,
        "status": job.status,
        "type": job.type,
        "user_id": job.user_id,
        "created": job.metadata.created,
        "run_after": job.run_after if isinstance(job, PendingJob) else None,
        "finished_at": finished_at(job),
        "document": Jsonb(job_to_dict(job)),
        "priority": job.metadata.priority,
        "unique_key": job.metadata.unique_key,
    }


async def count(conn: Connection, statement: str, params: dict[str, Any]) -> int:
    """The first column of the statement's one row."""
    row = await (await conn.execute(statement, params)).fetchone()
    return int(row[0]) if row else 0


async def status_of(conn: Connection, job_id: str) -> str | None:
    row = await (await conn.execute(SELECT_STATUS, (job_id,))).fetchone()
    return None if row is None else str(row[0])


async def stored_as(conn: Connection, job: Job) -> bool:
    """Whether the job is stored exactly as ``job`` (an earlier attempt's write went through)."""
    row = await (await conn.execute(SELECT_DOCUMENT, (job.id,))).fetchone()
    return row is not None and row[0] == job_to_dict(job)


async def lease_lost(conn: Connection, job_id: str) -> LeaseLostError:
    """Why a claim on ``job_id`` no longer holds: the job is gone, cancelled, or was recovered."""
    status = await status_of(conn, job_id)
    reason = "gone" if status is None else "cancelled" if status == "cancelled" else "expired"
    return LeaseLostError(job_id, reason)


async def recover_expired(conn: Connection, types: Sequence[str] | None, channel: str) -> list[Job]:
    """Move every running job (of ``types``) whose lease expired to pending or failed, in one transaction."""
    async with conn.transaction():
        rows = await (await conn.execute(expired(types is not None), {"types": types})).fetchall()
        recovered: list[Job] = []
        unreadable: Unreadable = []
        for document, now, job_id in rows:
            running = read_job(job_id, document, unreadable)
            if isinstance(running, RunningJob):
                recovered.append(running.abandon(now))
            elif running is not None:
                unreadable.append((job_id, f"a running row reads as a {running.status} job"))
        await set_aside(conn, unreadable)
        if recovered:
            async with conn.cursor() as cursor:
                await cursor.executemany(RECOVER, [row_of(job) for job in recovered])
            if any(isinstance(job, PendingJob) for job in recovered):
                await conn.execute(NOTIFY, {"channel": channel})
        return recovered
