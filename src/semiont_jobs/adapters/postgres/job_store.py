"""Jobs in PostgreSQL: the store many worker processes on many hosts share."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, Final

import psycopg
from psycopg.rows import TupleRow

from semiont_jobs.adapters.helpers.wakeups import Wakeups
from semiont_jobs.adapters.postgres import job_rows as q
from semiont_jobs.adapters.postgres.connection import Target
from semiont_jobs.adapters.postgres.listener import Listener
from semiont_jobs.adapters.postgres.migrate import migrate
from semiont_jobs.adapters.postgres.pool import Connection, Operation, Pool, T, behind_message
from semiont_jobs.codec import job_from_dict
from semiont_jobs.domain.ids import JobId, validate_job_id
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob
from semiont_jobs.domain.queries import JobQuery, QueueStats
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.ports.errors import (
    JobAlreadyExistsError,
    JobStateConflictError,
    JobStoreError,
    StoreUnavailableError,
)
from semiont_jobs.ports.job_store import Claim, JobFilter

_DUPLICATE_KEY: Final = re.compile(r"\(id\)=\((?P<id>[^)]*)\)")


class PostgresJobStore:
    """A :class:`~semiont_jobs.ports.JobStore` in one PostgreSQL schema.

    Claims lock the oldest due job with ``FOR UPDATE SKIP LOCKED``, so any number
    of processes may claim at once. Leases are timed by the database clock. With an
    ``accept`` predicate, ``claim`` locks batches of ``claim_batch`` candidates in
    one transaction and starts the first one accepted. A connection lost mid-call
    is replaced and the call tried again, in a way that cannot apply it twice.
    ``wait_for_work`` wakes on a ``NOTIFY`` sent when a job becomes pending.
    Nothing connects before :meth:`open`; it refuses a schema whose migrations
    are behind, unless ``auto_migrate`` applies them.
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "public",
        auto_migrate: bool = False,
        min_connections: int = 1,
        max_connections: int = 10,
        connect_timeout: float = 5.0,
        application_name: str = "semiont-jobs",
        claim_batch: int = 8,
    ) -> None:
        self._target = Target(dsn, schema, application_name)
        self._auto_migrate = auto_migrate
        self._pool_size = (min_connections, max_connections)
        self._connect_timeout = connect_timeout
        self._claim_batch = claim_batch
        self._channel = self._target.channel("jobs")
        self._pool: Pool | None = None
        self._listener: Listener | None = None
        self._wakeups = Wakeups()

    @property
    def where(self) -> str:
        """The server, database and schema, without the password."""
        return self._target.where

    # -- lifecycle --------------------------------------------------------------

    async def open(self) -> None:
        if self._pool is not None:
            return
        target = self._target
        try:
            if self._auto_migrate:
                await migrate(target.dsn, schema=target.schema, connect_timeout=self._connect_timeout)
            listener = Listener(
                target,
                self._channel,
                self._on_notify,
                connect_timeout=self._connect_timeout,
                on_reconnect=self._woken,
            )
            await listener.start()
        except psycopg.Error as exc:
            raise self._translate(exc) from exc
        pool = Pool(
            target,
            min_size=self._pool_size[0],
            max_size=self._pool_size[1],
            connect_timeout=self._connect_timeout,
            translate=self._translate,
        )
        try:
            problem = behind_message(await pool.open())
        except JobStoreError:
            await listener.stop()
            raise
        if problem is not None:
            await listener.stop()
            await pool.close()
            raise StoreUnavailableError(target.where, problem)
        self._pool, self._listener = pool, listener

    async def close(self) -> None:
        pool, listener = self._pool, self._listener
        self._pool = self._listener = None
        if listener is not None:
            await listener.stop()
        if pool is not None:
            await pool.close()
        self._wakeups.wake()

    # -- the port ---------------------------------------------------------------

    async def create(self, job: PendingJob[Any]) -> None:
        validate_job_id(job.id)
        row = {**q.row_of(job), "channel": self._channel}

        async def insert(conn: Connection, retrying: bool) -> None:
            inserted = await q.count(conn, q.INSERT, row)
            if not inserted and not (retrying and await q.stored_as(conn, job)):
                raise JobAlreadyExistsError(job.id)

        await self._attempt(insert)
        self._wakeups.wake()

    async def create_many(self, jobs: Collection[PendingJob[Any]]) -> None:
        """Add several new pending jobs in one statement: all of them, or none when an id is taken."""
        if not jobs:
            return
        for job in jobs:
            validate_job_id(job.id)
        rows = [q.row_of(job) for job in jobs]
        columns = {key: [row[key] for row in rows] for key in rows[0]}
        first = next(iter(jobs))

        async def insert(conn: Connection, retrying: bool) -> None:
            if retrying and await q.stored_as(conn, first):
                return
            await conn.execute(q.INSERT_MANY, {**columns, "channel": self._channel})

        await self._attempt(insert)
        self._wakeups.wake()

    async def get(self, job_id: JobId) -> Job | None:
        job_id = validate_job_id(job_id)

        async def read(conn: Connection, _retrying: bool) -> Job | None:
            row = await (await conn.execute(q.SELECT_DOCUMENT, (job_id,))).fetchone()
            return None if row is None else job_from_dict(row[0])

        return await self._attempt(read)

    async def update(self, job: Job, *, expected_status: JobStatus) -> None:
        validate_job_id(job.id)
        params = {**q.row_of(job), "expected": expected_status, "channel": self._channel}

        async def write(conn: Connection, retrying: bool) -> None:
            if await q.count(conn, q.UPDATE, params) == 0:
                if retrying and await q.stored_as(conn, job):
                    return
                raise JobStateConflictError(job.id, expected_status, await q.status_of(conn, job.id))

        await self._attempt(write)
        if isinstance(job, PendingJob):
            self._wakeups.wake()

    async def claim(
        self,
        worker_id: str,
        lease: timedelta,
        *,
        types: Collection[JobType] | None = None,
        accept: JobFilter | None = None,
    ) -> Claim | None:
        type_list = None if types is None else list(types)
        if type_list == []:
            return None
        token = secrets.token_hex(8)
        params = {"worker": worker_id, "token": token, "lease": lease, "types": type_list}
        with_types = type_list is not None

        async def take(conn: Connection, retrying: bool) -> TupleRow | None:
            if retrying and (row := await (await conn.execute(q.FIND_TOKEN, params)).fetchone()):
                return row
            if accept is None:
                return await (await conn.execute(q.claim_oldest(with_types), params)).fetchone()
            return await q.claim_first_accepted(conn, params, with_types, accept, self._claim_batch)

        row = await self._attempt(take)
        if row is None:
            return None
        job = job_from_dict(row[0])
        assert isinstance(job, RunningJob)
        return Claim(job=job, worker_id=worker_id, token=token, expires_at=row[1])

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        params = {"id": claim.job_id, "token": claim.token, "lease": lease}

        async def extend(conn: Connection, _retrying: bool) -> datetime:
            row = await (await conn.execute(q.RENEW, params)).fetchone()
            if row is None:
                raise await q.lease_lost(conn, claim.job_id)
            expires_at: datetime = row[1]
            return expires_at

        expires_at = await self._attempt(extend)
        return Claim(job=claim.job, worker_id=claim.worker_id, token=claim.token, expires_at=expires_at)

    async def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        params = {"id": claim.job_id, "token": claim.token, "document": q.row_of(job)["document"]}

        async def write(conn: Connection, _retrying: bool) -> datetime:
            row = await (await conn.execute(q.SAVE_PROGRESS, params)).fetchone()
            if row is None:
                raise await q.lease_lost(conn, claim.job_id)
            expires_at: datetime = row[0]
            return expires_at

        expires_at = await self._attempt(write)
        return Claim(job=job, worker_id=claim.worker_id, token=claim.token, expires_at=expires_at)

    async def finish(self, claim: Claim, job: Job) -> None:
        params = {**q.row_of(job), "id": claim.job_id, "token": claim.token, "channel": self._channel}

        async def write(conn: Connection, retrying: bool) -> None:
            if await q.count(conn, q.FINISH, params) == 0:
                if retrying and await q.stored_as(conn, job):
                    return
                raise await q.lease_lost(conn, claim.job_id)

        await self._attempt(write)
        if isinstance(job, PendingJob):
            self._wakeups.wake()

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        type_list = None if types is None else list(types)
        if type_list == []:
            return []

        async def recover(conn: Connection, _retrying: bool) -> list[Job]:
            async with conn.transaction():
                rows = await (
                    await conn.execute(q.expired(type_list is not None), {"types": type_list})
                ).fetchall()
                recovered: list[Job] = []
                for document, now in rows:
                    running = job_from_dict(document)
                    assert isinstance(running, RunningJob)
                    recovered.append(running.abandon(now))
                if recovered:
                    async with conn.cursor() as cursor:
                        await cursor.executemany(q.RECOVER, [q.row_of(job) for job in recovered])
                    if any(isinstance(job, PendingJob) for job in recovered):
                        await conn.execute(q.NOTIFY, {"channel": self._channel})
                return recovered

        recovered = await self._attempt(recover)
        if recovered:
            self._wakeups.wake()
        return recovered

    async def list(self, query: JobQuery) -> list[Job]:
        filters = [f"{column} = %({column})s" for column in ("status", "type", "user_id")]
        params: dict[str, Any] = {"status": query.status, "type": query.type, "user_id": query.user_id}
        used = [f for f, value in zip(filters, params.values(), strict=True) if value is not None]
        params |= {"limit": query.limit, "offset": query.offset}

        async def read(conn: Connection, _retrying: bool) -> list[Job]:
            rows = await (await conn.execute(q.list_query(used), params)).fetchall()
            return [job_from_dict(row[0]) for row in rows]

        return await self._attempt(read)

    async def stats(self) -> QueueStats:
        async def read(conn: Connection, _retrying: bool) -> QueueStats:
            rows = await (await conn.execute(q.STATS)).fetchall()
            return QueueStats(**{status: count for status, count in rows})

        return await self._attempt(read)

    async def delete_finished_before(
        self, cutoff: datetime, statuses: Collection[JobStatus] = ("complete", "failed", "cancelled")
    ) -> int:
        params = {"statuses": list(statuses), "cutoff": cutoff}

        async def delete(conn: Connection, _retrying: bool) -> int:
            return (await conn.execute(q.DELETE_FINISHED, params)).rowcount

        return await self._attempt(delete)

    async def wait_for_work(self, timeout: float) -> None:
        await self._wakeups.wait(timeout)

    # -- helpers ----------------------------------------------------------------

    async def _on_notify(self, _payload: str) -> None:
        self._wakeups.wake()

    async def _woken(self) -> None:
        self._wakeups.wake()

    async def _attempt(self, operation: Operation[T]) -> T:
        if self._pool is None:
            raise StoreUnavailableError(self.where, "the store is not open; call open() first")
        return await self._pool.run(operation)

    def _translate(self, exc: psycopg.Error) -> JobStoreError:
        """The one place where psycopg's errors become the port's."""
        if isinstance(exc, psycopg.errors.UniqueViolation):
            match = _DUPLICATE_KEY.search(exc.diag.message_detail or "")
            return JobAlreadyExistsError(match["id"] if match else "?")
        if isinstance(exc, psycopg.OperationalError):
            return StoreUnavailableError(self.where, self._target.reason(exc))
        return JobStoreError(f"job store at {self.where} failed: {self._target.reason(exc)}")
