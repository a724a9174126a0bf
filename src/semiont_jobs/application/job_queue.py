"""The job queue: the application's one door to the job store."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from datetime import timedelta
from typing import Any, TypeAlias

import attrs

from semiont_jobs.domain import events
from semiont_jobs.domain.agent import JobUser
from semiont_jobs.domain.catalog import job_type_of_params
from semiont_jobs.domain.ids import JobId, UserId, validate_job_id
from semiont_jobs.domain.jobs import (
    DEFAULT_MAX_RETRIES,
    CancelledJob,
    FailedJob,
    Job,
    JobMetadata,
    PendingJob,
    RunningJob,
)
from semiont_jobs.domain.params import JobParams
from semiont_jobs.domain.queries import DEFAULT_LIST_LIMIT, JobQuery, QueueStats
from semiont_jobs.domain.uniqueness import unique_key_of
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.errors import JobStateConflictError, UniqueKeyContendedError
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.job_store import Claim, JobFilter, JobStore
from semiont_jobs.ports.tracer import NO_TRACER, Tracer

log = logging.getLogger("semiont_jobs.queue")

_CONFLICT_ATTEMPTS = 5

QueuedJob: TypeAlias = PendingJob[Any] | RunningJob[Any, Any]
"""What enqueueing returns: the new pending job, or the unique job already pending or running."""


def new_job_id() -> JobId:
    """A fresh random job id."""
    return JobId(f"job-{uuid.uuid4().hex}")


class JobQueue:
    """Creates, finds, lists, cancels and cleans up jobs, and hands them to workers.

    Every operation goes through the :class:`JobStore` port; the queue itself
    keeps no state, so any number of queues may share one store. ``tracer``
    traces enqueues and the store transitions of running jobs; a job enqueued
    inside a trace carries it, for its attempts to join.
    """

    def __init__(
        self,
        store: JobStore,
        event_bus: EventBus | None = None,
        *,
        clock: Clock = utc_now,
        tracer: Tracer = NO_TRACER,
    ) -> None:
        self.store = store
        self.event_bus = event_bus
        self.clock = clock
        self.tracer = tracer

    async def open(self) -> None:
        """Prepare the store (create directories, connect)."""
        await self.store.open()

    async def close(self) -> None:
        await self.store.close()

    # -- creating ---------------------------------------------------------------

    async def create_job(self, job: PendingJob[Any]) -> QueuedJob:
        """Store a new pending job and announce it with ``job:queued`` on its resource's bus.

        A job without a ``traceparent`` gets the current trace's, when tracing is on.
        A job with a ``unique_key`` that a pending or running job already holds is
        not created: that job is returned instead, and nothing is announced.
        """
        with self.tracer.span("semiont_jobs.enqueue", _attributes(job)):
            if job.traceparent is None and (traceparent := self.tracer.traceparent()) is not None:
                job = attrs.evolve(job, traceparent=traceparent)
            for _ in range(_CONFLICT_ATTEMPTS):
                stored_id = await self.store.create(job)
                if stored_id == job.id:
                    break
                holder = await self.store.get(stored_id)
                if isinstance(holder, PendingJob | RunningJob):
                    log.info("job already queued", extra={"job_id": holder.id, "job_type": job.type})
                    return holder
            else:
                raise UniqueKeyContendedError(job.id, job.metadata.unique_key or "", _CONFLICT_ATTEMPTS)
        log.info("job created", extra={"job_id": job.id, "job_type": job.type})
        resource_id = getattr(job.params, "resource_id", None)
        if self.event_bus is not None and resource_id is not None:
            await self.event_bus.scope(resource_id).publish(events.JobQueuedMessage.of(job))
        return job

    async def enqueue(
        self,
        params: JobParams,
        user: JobUser,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        job_id: str | None = None,
        priority: int = 0,
        unique: bool = False,
    ) -> QueuedJob:
        """Build a pending job for ``params`` on behalf of ``user`` and create it.

        ``priority``: higher is claimed first. ``unique``: when a pending or running
        job of the same type, resource and params exists, return it instead of
        creating another (atomic on every store).
        """
        job_type = job_type_of_params(params)
        metadata = JobMetadata(
            id=validate_job_id(job_id) if job_id is not None else new_job_id(),
            type=job_type,
            user_id=user.user_id,
            user_name=user.user_name,
            user_email=user.user_email,
            user_domain=user.user_domain,
            created=self.clock(),
            max_retries=max_retries,
            priority=priority,
            unique_key=unique_key_of(job_type, params) if unique else None,
        )
        return await self.create_job(PendingJob(metadata=metadata, params=params))

    # -- reading ----------------------------------------------------------------

    async def get_job(self, job_id: str) -> Job | None:
        """The job with this id, or ``None``; an invalid id raises ``InvalidJobIdError``."""
        return await self.store.get(validate_job_id(job_id))

    async def list_jobs(
        self,
        *,
        status: JobStatus | None = None,
        type: JobType | None = None,
        user_id: UserId | None = None,
        limit: int = DEFAULT_LIST_LIMIT,
        offset: int = 0,
    ) -> list[Job]:
        """Jobs matching every given filter, newest first."""
        query = JobQuery(status=status, type=type, user_id=user_id, limit=limit, offset=offset)
        return await self.store.list(query)

    async def get_stats(self) -> QueueStats:
        return await self.store.stats()

    # -- changing ---------------------------------------------------------------

    async def update_job(self, job: Job, old_status: JobStatus | None = None) -> None:
        """Replace a job, moving it from ``old_status`` (default: its own status)."""
        await self.store.update(job, expected_status=old_status or job.status)

    async def cancel_job(self, job_id: str) -> bool:
        """Cancel a pending or running job; ``False`` when it is missing or already finished.

        A running job's worker learns of it at its next progress report or heartbeat.
        """
        for _ in range(_CONFLICT_ATTEMPTS):
            job = await self.get_job(job_id)
            if not isinstance(job, PendingJob | RunningJob):
                return False
            try:
                await self.store.update(job.cancel(self.clock()), expected_status=job.status)
            except JobStateConflictError:
                continue
            log.info("job cancelled", extra={"job_id": job.id})
            return True
        return False

    async def retry_job(self, job_id: str) -> bool:
        """Put a failed or cancelled job back in the queue with retries reset."""
        job = await self.get_job(job_id)
        if not isinstance(job, FailedJob | CancelledJob):
            return False
        try:
            await self.store.update(job.requeue(), expected_status=job.status)
        except JobStateConflictError:
            return False
        return True

    async def cleanup_old_jobs(self, retention_hours: float = 24) -> int:
        """Delete complete, failed and cancelled jobs that finished over ``retention_hours`` ago."""
        deleted = await self.store.delete_finished_before(self.clock() - timedelta(hours=retention_hours))
        if deleted:
            log.info("old jobs deleted", extra={"count": deleted})
        return deleted

    # -- for workers --------------------------------------------------------------

    async def claim_next(
        self,
        worker_id: str,
        *,
        lease: timedelta,
        types: Collection[JobType] | None = None,
        predicate: JobFilter | None = None,
    ) -> Claim | None:
        """Take the first due pending job in claim order that matches, or ``None``."""
        return await self.store.claim(worker_id, lease, types=types, accept=predicate)

    async def claim_batch(
        self,
        worker_id: str,
        limit: int,
        *,
        lease: timedelta,
        types: Collection[JobType] | None = None,
        predicate: JobFilter | None = None,
    ) -> list[Claim]:
        """Take up to ``limit`` due pending jobs that match, in claim order, in one store call."""
        return await self.store.claim_many(worker_id, lease, limit, types=types, accept=predicate)

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        return await self.store.renew(claim, lease)

    async def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        with self.tracer.span("semiont_jobs.store.save_progress", _attributes(job)):
            return await self.store.save_progress(claim, job)

    async def finish(self, claim: Claim, job: Job) -> None:
        """End ``claim`` by storing ``job``, its next state."""
        with self.tracer.span(
            "semiont_jobs.store.finish", {**_attributes(job), "semiont_jobs.job.status": job.status}
        ):
            await self.store.finish(claim, job)

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        """Return jobs of dead workers to the queue (or fail them when out of retries)."""
        recovered = await self.store.recover_expired(types)
        for job in recovered:
            log.warning("job recovered from an expired lease", extra={"job_id": job.id, "status": job.status})
        return recovered

    async def wait_for_work(self, timeout: float) -> None:
        await self.store.wait_for_work(timeout)


def _attributes(job: Job) -> dict[str, str]:
    return {"semiont_jobs.job.id": job.id, "semiont_jobs.job.type": job.type}
