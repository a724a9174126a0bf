"""The SQL of the jobs table, a job's indexed columns, and the small queries the store repeats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import psycopg
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from semiont_jobs.codec import job_from_dict, job_to_dict
from semiont_jobs.domain.jobs import Job, PendingJob, finished_at
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_store import JobFilter

Connection = psycopg.AsyncConnection[TupleRow]
_BEGINNING: Final = datetime(1, 1, 1, tzinfo=UTC)

_COLUMNS: Final = "id, status, type, user_id, created, run_after, finished_at, document"

_RUNNING_DOCUMENT: Final = """jsonb_build_object(
    'status', 'running', 'metadata', j.document -> 'metadata', 'params', j.document -> 'params',
    'startedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'progress', '{}'::jsonb)"""

INSERT: Final = f"""
WITH inserted AS (
    INSERT INTO semiont_jobs ({_COLUMNS})
    VALUES (%(id)s, %(status)s, %(type)s, %(user_id)s, %(created)s, %(run_after)s, %(finished_at)s,
            %(document)s)
    ON CONFLICT (id) DO NOTHING
    RETURNING type)
SELECT count(*) FROM inserted, pg_notify(%(channel)s, inserted.type)"""

INSERT_MANY: Final = f"""
WITH inserted AS (
    INSERT INTO semiont_jobs ({_COLUMNS})
    SELECT id, status, type, user_id, created, run_after, finished_at, document
    FROM unnest(%(id)s::text[], %(status)s::text[], %(type)s::text[], %(user_id)s::text[],
                %(created)s::timestamptz[], %(run_after)s::timestamptz[], %(finished_at)s::timestamptz[],
                %(document)s::jsonb[])
        WITH ORDINALITY AS given(id, status, type, user_id, created, run_after, finished_at, document, n)
    ORDER BY n
    RETURNING type)
SELECT n, pg_notify(%(channel)s, '') FROM (SELECT count(*) AS n FROM inserted) AS counted WHERE n > 0"""

SELECT_DOCUMENT: Final = "SELECT document FROM semiont_jobs WHERE id = %s"
SELECT_STATUS: Final = "SELECT status FROM semiont_jobs WHERE id = %s"

_REPLACE: Final = """
    UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
        document = %(document)s,
        lease_owner = CASE WHEN %(status)s = 'running' THEN lease_owner END,
        lease_token = CASE WHEN %(status)s = 'running' THEN lease_token END,
        lease_expires_at = CASE WHEN %(status)s = 'running' THEN lease_expires_at END"""

_COUNT_AND_NOTIFY: Final = """
SELECT count(*), count(pg_notify(%(channel)s, type)) FILTER (WHERE status = 'pending') FROM written"""

UPDATE: Final = f"""
WITH written AS ({_REPLACE}
    WHERE id = %(id)s AND status = %(expected)s
    RETURNING status, type){_COUNT_AND_NOTIFY}"""

_DUE: Final = "status = 'pending' AND (run_after IS NULL OR run_after <= now())"
_OF_TYPES: Final = " AND type = ANY(%(types)s)"

_CLAIM_SET: Final = f"""
UPDATE semiont_jobs AS j SET status = 'running', run_after = NULL, lease_owner = %(worker)s,
    lease_token = %(token)s, lease_expires_at = now() + %(lease)s, document = {_RUNNING_DOCUMENT}"""


def claim_oldest(with_types: bool) -> str:
    """One statement: lock the oldest due job (skipping locked ones) and start it."""
    return f"""{_CLAIM_SET}
WHERE j.id = (SELECT id FROM semiont_jobs WHERE {_DUE}{_OF_TYPES if with_types else ""}
              ORDER BY created, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING j.document, j.lease_expires_at"""


def claim_candidates(with_types: bool) -> str:
    """Lock the next batch of due jobs after (created, seq), skipping locked ones."""
    return f"""
SELECT id, created, seq, document FROM semiont_jobs
WHERE {_DUE}{_OF_TYPES if with_types else ""} AND (created, seq) > (%(after_created)s, %(after_seq)s)
ORDER BY created, seq LIMIT %(batch)s FOR UPDATE SKIP LOCKED"""


CLAIM_CHOSEN: Final = f"""{_CLAIM_SET}
WHERE j.id = %(id)s
RETURNING j.document, j.lease_expires_at"""

FIND_TOKEN: Final = """
SELECT document, lease_expires_at FROM semiont_jobs
WHERE status = 'running' AND lease_token = %(token)s AND lease_owner = %(worker)s"""

RENEW: Final = """
UPDATE semiont_jobs SET lease_expires_at = now() + %(lease)s
WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
RETURNING document, lease_expires_at"""

SAVE_PROGRESS: Final = """
UPDATE semiont_jobs SET document = %(document)s
WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
RETURNING lease_expires_at"""

FINISH: Final = f"""
WITH written AS ({_REPLACE}
    WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
    RETURNING status, type){_COUNT_AND_NOTIFY}"""


def expired(with_types: bool) -> str:
    return f"""
SELECT document, now() FROM semiont_jobs
WHERE status = 'running' AND lease_expires_at <= now(){_OF_TYPES if with_types else ""}
ORDER BY lease_expires_at FOR UPDATE SKIP LOCKED"""


RECOVER: Final = """
UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
    document = %(document)s, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE id = %(id)s"""

STATS: Final = "SELECT status, count(*) FROM semiont_jobs GROUP BY status"

DELETE_FINISHED: Final = """
DELETE FROM semiont_jobs WHERE status = ANY(%(statuses)s) AND finished_at < %(cutoff)s"""

NOTIFY: Final = "SELECT pg_notify(%(channel)s, '')"


def list_query(filters: list[str]) -> str:
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    return f"""
SELECT document FROM semiont_jobs {where}
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


async def claim_first_accepted(
    conn: Connection, params: dict[str, Any], with_types: bool, accept: JobFilter, batch: int
) -> TupleRow | None:
    """Lock due jobs ``batch`` at a time, oldest first, and start the first one ``accept`` takes.

    Pipelined: BEGIN travels with the first SELECT and COMMIT with the UPDATE.
    """
    after: tuple[datetime, int] = (_BEGINNING, -1)
    chosen: psycopg.AsyncCursor[TupleRow] | None = None
    async with conn.pipeline(), conn.transaction():
        while chosen is None:
            page = {**params, "after_created": after[0], "after_seq": after[1], "batch": batch}
            rows = await (await conn.execute(claim_candidates(with_types), page)).fetchall()
            for job_id, _created, _seq, document in rows:
                candidate = job_from_dict(document)
                if isinstance(candidate, PendingJob) and accept(candidate):
                    chosen = await conn.execute(CLAIM_CHOSEN, {**params, "id": job_id})
                    break
            else:
                if len(rows) < batch:
                    return None
                after = (rows[-1][1], rows[-1][2])
    return await chosen.fetchone()
