"""Finishing and renewing claims in batches: the writes that arrive together share one round trip.

Every finish in a batch is one row of one ``UPDATE … FROM unnest(…)`` statement,
every renewal one row of another, both sent in one pipeline when there are both
(a pipeline costs more than it saves for one statement). Rows are locked in
id order, so batches written by several processes at once cannot deadlock. Each
row is written only under its claim's token, as a single write would be.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from semiont_jobs.adapters.postgres import job_rows as q
from semiont_jobs.adapters.postgres.pool import Connection
from semiont_jobs.domain.jobs import Job
from semiont_jobs.ports.job_store import Claim

_LOCK_HELD: Final = """
locked AS (
    SELECT j.id FROM semiont_jobs AS j JOIN given AS g ON j.id = g.id AND j.lease_token = g.token
    WHERE j.status = 'running' ORDER BY j.id FOR UPDATE OF j)"""

FINISH_MANY: Final = f"""
WITH given AS (
    SELECT * FROM unnest(%(id)b::text[], %(token)b::text[], %(status)b::text[], %(run_after)b::timestamptz[],
                         %(finished_at)b::timestamptz[], %(document)b::jsonb[])
        AS g(id, token, status, run_after, finished_at, document)),{_LOCK_HELD},
written AS (
    UPDATE semiont_jobs AS j SET status = g.status, run_after = g.run_after, finished_at = g.finished_at,
        document = g.document,
        lease_owner = CASE WHEN g.status = 'running' THEN j.lease_owner END,
        lease_token = CASE WHEN g.status = 'running' THEN j.lease_token END,
        lease_expires_at = CASE WHEN g.status = 'running' THEN j.lease_expires_at END
    FROM given AS g, locked AS l WHERE j.id = g.id AND j.id = l.id
    RETURNING j.id, j.status, j.type)
SELECT coalesce(array_agg(id), '{{}}'), count(pg_notify(%(channel)s, type)) FILTER (WHERE status = 'pending')
FROM written"""

RENEW_MANY: Final = f"""
WITH given AS (
    SELECT * FROM unnest(%(id)b::text[], %(token)b::text[], %(lease)b::interval[]) AS g(id, token, lease)),
{_LOCK_HELD}
UPDATE semiont_jobs AS j SET lease_expires_at = now() + g.lease
FROM given AS g, locked AS l WHERE j.id = g.id AND j.id = l.id
RETURNING j.id, j.lease_expires_at"""


@attrs.frozen
class Finish:
    """End ``claim`` by storing ``job``; its result is ``None``."""

    claim: Claim
    job: Job


@attrs.frozen
class Renew:
    """Extend ``claim`` by ``lease``; its result is the new expiry."""

    claim: Claim
    lease: timedelta


LeaseWrite = Finish | Renew


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    return {key: [row[key] for row in rows] for key in rows[0]}


def _first_of_each_job(writes: Sequence[LeaseWrite]) -> tuple[list[int], list[int]]:
    """Positions of each job's first write, and of the rest (written after, one batch per repeat)."""
    seen: set[tuple[type, str]] = set()
    first: list[int] = []
    rest: list[int] = []
    for at, write in enumerate(writes):
        key = (type(write), write.claim.job_id)
        (rest if key in seen else first).append(at)
        seen.add(key)
    return first, rest


async def write_lease_batch(
    conn: Connection, writes: Sequence[LeaseWrite], channel: str, retrying: bool
) -> list[datetime | Exception | None]:
    """Apply ``writes``; for each, ``None`` (finished), the new expiry (renewed) or a ``LeaseLostError``."""
    first, rest = _first_of_each_job(writes)
    results: list[datetime | Exception | None] = [None] * len(writes)
    once = [writes[at] for at in first]
    for at, result in zip(first, await _write_once(conn, once, channel, retrying), strict=True):
        results[at] = result
    if rest:
        again = await write_lease_batch(conn, [writes[at] for at in rest], channel, retrying)
        for at, result in zip(rest, again, strict=True):
            results[at] = result
    return results


async def _write_one(
    conn: Connection, write: LeaseWrite, channel: str, retrying: bool
) -> datetime | Exception | None:
    """A lone write: the one-row statement, without a pipeline."""
    job_id = write.claim.job_id
    params: dict[str, Any] = {"id": job_id, "token": write.claim.token}
    if isinstance(write, Renew):
        row = await (await conn.execute(q.RENEW, {**params, "lease": write.lease}, prepare=True)).fetchone()
        return row[1] if row else await q.lease_lost(conn, job_id)
    params = {**q.row_of(write.job), **params, "channel": channel}
    if await q.count(conn, q.FINISH, params) or (retrying and await q.stored_as(conn, write.job)):
        return None
    return await q.lease_lost(conn, job_id)


async def _write_once(
    conn: Connection, writes: Sequence[LeaseWrite], channel: str, retrying: bool
) -> list[datetime | Exception | None]:
    if len(writes) == 1:
        return [await _write_one(conn, writes[0], channel, retrying)]
    finishes = [write for write in writes if isinstance(write, Finish)]
    renewals = [write for write in writes if isinstance(write, Renew)]
    written: set[str] = set()
    renewed: dict[str, datetime] = {}
    async with conn.pipeline() if finishes and renewals else contextlib.nullcontext():
        finished_cursor = renewed_cursor = None
        if finishes:
            rows = [{**q.row_of(f.job), "id": f.claim.job_id, "token": f.claim.token} for f in finishes]
            params = {**_columns(rows), "channel": channel}
            finished_cursor = await conn.execute(FINISH_MANY, params, prepare=True)
        if renewals:
            params = {
                "id": [r.claim.job_id for r in renewals],
                "token": [r.claim.token for r in renewals],
                "lease": [r.lease for r in renewals],
            }
            renewed_cursor = await conn.execute(RENEW_MANY, params, prepare=True)
        if finished_cursor is not None:
            row = await finished_cursor.fetchone()
            written = set(row[0]) if row else set()
        if renewed_cursor is not None:
            renewed = {job_id: expires for job_id, expires in await renewed_cursor.fetchall()}
    results: list[datetime | Exception | None] = []
    for write in writes:
        job_id = write.claim.job_id
        if isinstance(write, Finish):
            done = job_id in written or (retrying and await q.stored_as(conn, write.job))
            results.append(None if done else await q.lease_lost(conn, job_id))
        else:
            expires = renewed.get(job_id)
            results.append(expires if expires is not None else await q.lease_lost(conn, job_id))
    return results
