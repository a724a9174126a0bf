"""Adding jobs: ``INSERT … ON CONFLICT DO NOTHING``, then, when nothing was added, who holds the id or key.

A unique job's key is guarded by a partial unique index over pending and running
jobs, so of any number of connections inserting jobs with one key at once, one
row is added and the others are told its id.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from semiont_jobs.adapters.postgres import job_rows as q
from semiont_jobs.adapters.postgres.pool import Connection
from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import PendingJob
from semiont_jobs.ports.errors import JobAlreadyExistsError, JobStoreError

_TRIES: Final = 8
"""Rounds of insert-then-look: another round is needed only when the key's holder finished in between."""


async def insert_job(conn: Connection, job: PendingJob[Any], channel: str, retrying: bool) -> JobId:
    """Add ``job`` and return its id, or the id of the pending or running job holding its unique key.

    Raises ``JobAlreadyExistsError`` when another job has its id (after a lost
    connection, finding ``job`` itself stored counts as success).
    """
    row = {**q.row_of(job), "channel": channel}
    key = job.metadata.unique_key
    for _ in range(_TRIES):
        if await q.count(conn, q.INSERT, row):
            return job.id
        if retrying and await q.stored_as(conn, job):
            return job.id
        if key is None or await q.status_of(conn, job.id) is not None:
            raise JobAlreadyExistsError(job.id)
        holder = await (await conn.execute(q.SELECT_HOLDER, {"unique_key": key})).fetchone()
        if holder is not None:
            return JobId(holder[0])
    raise JobStoreError(f"job {job.id}: its unique key {key!r} kept changing hands; try again")


async def insert_jobs(
    conn: Connection, jobs: Collection[PendingJob[Any]], channel: str, retrying: bool
) -> None:
    """Add ``jobs`` in one statement: all of them, or none when an id or a unique key is taken."""
    rows = [q.row_of(job) for job in jobs]
    if retrying and await q.stored_as(conn, next(iter(jobs))):
        return
    await conn.execute(
        q.INSERT_MANY, {**{key: [row[key] for row in rows] for key in rows[0]}, "channel": channel}
    )
