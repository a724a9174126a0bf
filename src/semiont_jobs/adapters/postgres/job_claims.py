"""Claiming jobs: one statement locks up to ``limit`` due jobs (skipping locked ones) and starts them.

Claim order is higher ``priority`` first, then oldest ``created`` (then insertion
order). Each claimed job gets its own lease token, ``<batch token>.<row seq>``,
so a retried call can find what a lost first attempt claimed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from psycopg.rows import TupleRow

from semiont_jobs.adapters.postgres.pool import Connection
from semiont_jobs.adapters.postgres.quarantine import Unreadable, read_job, set_aside
from semiont_jobs.domain.jobs import PendingJob, RunningJob
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.job_store import Claim, JobFilter

_BEGINNING: Final = datetime(1, 1, 1, tzinfo=UTC)
_TOP_PRIORITY: Final = 2**31 - 1

_RUNNING_DOCUMENT: Final = """jsonb_build_object(
    'status', 'running', 'metadata', j.document -> 'metadata', 'params', j.document -> 'params',
    'startedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'progress', '{}'::jsonb)
    || CASE WHEN j.document ? 'traceparent'
            THEN jsonb_build_object('traceparent', j.document -> 'traceparent') ELSE '{}'::jsonb END"""

_DUE: Final = "status = 'pending' AND (run_after IS NULL OR run_after <= now())"
_OF_TYPES: Final = " AND type = ANY(%(types)s)"
_ORDER: Final = "ORDER BY priority DESC, created, seq"

_START: Final = f"""
UPDATE semiont_jobs AS j SET status = 'running', run_after = NULL, lease_owner = %(worker)s,
    lease_token = %(token)s || '.' || j.seq, lease_expires_at = now() + %(lease)s,
    document = {_RUNNING_DOCUMENT}
FROM picked WHERE j.id = picked.id
RETURNING j.document, j.lease_expires_at, j.lease_token, j.priority, j.created, j.seq, j.id"""


def claim_first(with_types: bool) -> str:
    """Lock the first ``limit`` due jobs in claim order (skipping locked ones) and start them."""
    return f"""
WITH picked AS (
    SELECT id FROM semiont_jobs WHERE {_DUE}{_OF_TYPES if with_types else ""}
    {_ORDER} LIMIT %(limit)s FOR UPDATE SKIP LOCKED){_START}"""


def _candidates(with_types: bool) -> str:
    """The next page of due jobs after (priority, created, seq) in claim order, locked."""
    return f"""
SELECT id, priority, created, seq, document FROM semiont_jobs
WHERE {_DUE}{_OF_TYPES if with_types else ""}
    AND (priority < %(after_priority)s
         OR (priority = %(after_priority)s AND (created, seq) > (%(after_created)s, %(after_seq)s)))
{_ORDER} LIMIT %(batch)s FOR UPDATE SKIP LOCKED"""


START_CHOSEN: Final = f"WITH picked AS (SELECT unnest(%(ids)s::text[]) AS id){_START}"

FIND_TOKENS: Final = """
SELECT document, lease_expires_at, lease_token, priority, created, seq, id FROM semiont_jobs
WHERE status = 'running' AND lease_owner = %(worker)s AND starts_with(lease_token, %(token)s || '.')"""


def claim_params(worker_id: str, lease: timedelta, limit: int, types: list[JobType] | None) -> dict[str, Any]:
    return {
        "worker": worker_id,
        "token": secrets.token_hex(8),
        "lease": lease,
        "limit": limit,
        "types": types,
    }


async def take(
    conn: Connection, params: dict[str, Any], accept: JobFilter | None, batch: int, retrying: bool
) -> list[TupleRow]:
    """Claim up to ``params["limit"]`` jobs; on a retry, first look for what the lost attempt claimed."""
    if retrying and (rows := await (await conn.execute(FIND_TOKENS, params)).fetchall()):
        return rows
    with_types = params["types"] is not None
    if accept is None:
        return await (await conn.execute(claim_first(with_types), params, prepare=True)).fetchall()
    return await _take_accepted(conn, params, with_types, accept, batch)


async def _take_accepted(
    conn: Connection, params: dict[str, Any], with_types: bool, accept: JobFilter, batch: int
) -> list[TupleRow]:
    """Lock due jobs ``batch`` at a time in claim order and start the first ``limit`` that ``accept`` takes.

    Pipelined: BEGIN travels with the first SELECT and COMMIT with the UPDATE.
    """
    after: tuple[int, datetime, int] = (_TOP_PRIORITY, _BEGINNING, -1)
    chosen: list[str] = []
    unreadable: Unreadable = []
    async with conn.pipeline(), conn.transaction():
        while len(chosen) < params["limit"]:
            page = {
                **params,
                "after_priority": after[0],
                "after_created": after[1],
                "after_seq": after[2],
                "batch": batch,
            }
            rows = await (await conn.execute(_candidates(with_types), page)).fetchall()
            for job_id, _priority, _created, _seq, document in rows:
                candidate = read_job(job_id, document, unreadable)
                if isinstance(candidate, PendingJob) and accept(candidate):
                    chosen.append(job_id)
                    if len(chosen) == params["limit"]:
                        break
            if len(rows) < batch:
                break
            after = (rows[-1][1], rows[-1][2], rows[-1][3])
        await set_aside(conn, unreadable)
        if not chosen:
            return []
        return await (await conn.execute(START_CHOSEN, {**params, "ids": chosen})).fetchall()


def claims_of(rows: Sequence[TupleRow], worker_id: str, unreadable: Unreadable) -> list[Claim]:
    """The claims of started rows, in claim order; rows that cannot be read go to ``unreadable``."""
    ordered = sorted(rows, key=lambda row: (-row[3], row[4], row[5]))
    claims: list[Claim] = []
    for document, expires_at, token, _priority, _created, _seq, job_id in ordered:
        job = read_job(job_id, document, unreadable)
        if isinstance(job, RunningJob):
            claims.append(Claim(job=job, worker_id=worker_id, token=token, expires_at=expires_at))
        elif job is not None:
            unreadable.append((job_id, f"a claimed row reads as a {job.status} job"))
    return claims
