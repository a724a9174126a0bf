"""Jobs in PostgreSQL: the store many worker processes on many hosts share."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg

from semiont_jobs.adapters.helpers.wakeups import Wakeups
from semiont_jobs.adapters.postgres import job_claims
from semiont_jobs.adapters.postgres import job_rows as q
from semiont_jobs.adapters.postgres.connection import Target
from semiont_jobs.adapters.postgres.job_errors import translate
from semiont_jobs.adapters.postgres.job_inserts import insert_job, insert_jobs
from semiont_jobs.adapters.postgres.lease_writes import Finish, LeaseWrite, Renew, write_lease_batch
from semiont_jobs.adapters.postgres.listener import Listener
from semiont_jobs.adapters.postgres.migrate import migrate
from semiont_jobs.adapters.postgres.pool import Connection, Operation, Pool, T, behind_message
from semiont_jobs.adapters.postgres.quarantine import Unreadable, readable_jobs, set_aside
from semiont_jobs.adapters.postgres.write_batches import WriteBatches
from semiont_jobs.codec import job_from_dict
from semiont_jobs.domain.ids import JobId, validate_job_id
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob
from semiont_jobs.domain.queries import JobQuery, QueueStats
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.ports.errors import (
    JobStateConflictError,
    JobStoreError,
    StoreUnavailableError,
)
from semiont_jobs.ports.job_store import Claim, JobFilter, check_claim_limit


class PostgresJobStore:
    """A :class:`~semiont_jobs.ports.JobStore` in one PostgreSQL schema.

    Claims lock the first due jobs (higher priority, then oldest) with ``FOR UPDATE
    SKIP LOCKED``, up to ``claim_many``'s limit in one statement, so any number of
    processes may claim at once. Leases are timed by the database clock. With an
    ``accept`` predicate, claims lock pages of ``claim_batch`` candidates in one
    transaction and start the first ones accepted. Finishes and renewals that
    arrive while another batch of them is being written go together in the next
    one (one pipeline, one statement each). A connection lost mid-call
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
        self._lease_writes: WriteBatches[LeaseWrite, datetime | None] = WriteBatches(self._write_leases)

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

    async def create(self, job: PendingJob[Any]) -> JobId:
        validate_job_id(job.id)

        async def insert(conn: Connection, retrying: bool) -> JobId:
            return await insert_job(conn, job, self._channel, retrying)

        job_id = await self._attempt(insert)
        if job_id == job.id:
            self._wakeups.wake()
        return job_id

    async def create_many(self, jobs: Collection[PendingJob[Any]]) -> None:
        """Add several new pending jobs in one statement: all, or none when an id or unique key is taken."""
        if not jobs:
            return
        for job in jobs:
            validate_job_id(job.id)

        async def insert(conn: Connection, retrying: bool) -> None:
            await insert_jobs(conn, jobs, self._channel, retrying)

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
        claims = await self.claim_many(worker_id, lease, 1, types=types, accept=accept)
        return claims[0] if claims else None

    async def claim_many(
        self,
        worker_id: str,
        lease: timedelta,
        limit: int,
        *,
        types: Collection[JobType] | None = None,
        accept: JobFilter | None = None,
    ) -> list[Claim]:
        """Claim up to ``limit`` due jobs, in claim order: one statement (one transaction with ``accept``)."""
        check_claim_limit(limit)
        type_list = None if types is None else list(types)
        if type_list == []:
            return []
        params = job_claims.claim_params(worker_id, lease, limit, type_list)

        async def take(conn: Connection, retrying: bool) -> list[Claim]:
            rows = await job_claims.take(conn, params, accept, self._claim_batch, retrying)
            unreadable: Unreadable = []
            claims = job_claims.claims_of(rows, worker_id, unreadable)
            await set_aside(conn, unreadable)
            return claims

        return await self._attempt(take)

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        expires_at = await self._lease_writes.submit(Renew(claim, lease))
        assert expires_at is not None
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
        await self._lease_writes.submit(Finish(claim, job))
        if isinstance(job, PendingJob):
            self._wakeups.wake()

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        type_list = None if types is None else list(types)
        if type_list == []:
            return []

        async def recover(conn: Connection, _retrying: bool) -> list[Job]:
            return await q.recover_expired(conn, type_list, self._channel)

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
            return readable_jobs(rows)

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

    async def _write_leases(self, writes: Sequence[LeaseWrite]) -> Sequence[datetime | Exception | None]:
        async def write(conn: Connection, retrying: bool) -> list[datetime | Exception | None]:
            return await write_lease_batch(conn, writes, self._channel, retrying)

        return await self._attempt(write)

    async def _attempt(self, operation: Operation[T]) -> T:
        if self._pool is None:
            raise StoreUnavailableError(self.where, "the store is not open; call open() first")
        return await self._pool.run(operation)

    def _translate(self, exc: psycopg.Error) -> JobStoreError:
        return translate(self._target, exc)
