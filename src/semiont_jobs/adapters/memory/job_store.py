"""Jobs held in process memory: the store for one process, tests and the demo."""

from __future__ import annotations

import bisect
import heapq
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from semiont_jobs.adapters.helpers.wakeups import Wakeups
from semiont_jobs.domain.ids import JobId, validate_job_id
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob, finished_at
from semiont_jobs.domain.queries import JobQuery, QueueStats
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.errors import JobAlreadyExistsError, JobStateConflictError, LeaseLostError
from semiont_jobs.ports.job_store import Claim, JobFilter, check_claim_limit

_QueueKey = tuple[int, datetime, int, JobId]


class InMemoryJobStore:
    """A :class:`~semiont_jobs.ports.JobStore` kept in a dictionary.

    Atomic within one event loop (no method yields between reading and writing),
    so any number of tasks may claim concurrently. Nothing survives the process.
    """

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._jobs: dict[JobId, Job] = {}
        self._seq: dict[JobId, int] = {}
        self._next_seq = 0
        self._pending: dict[JobType, list[_QueueKey]] = {}
        self._claims: dict[JobId, Claim] = {}
        self._unique: dict[str, JobId] = {}
        self._counts: dict[JobStatus, int] = dict.fromkeys(
            ("pending", "running", "complete", "failed", "cancelled"), 0
        )
        self._wakeups = Wakeups()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        self._wakeups.wake()

    # -- internal bookkeeping -------------------------------------------------

    def _key(self, job: Job) -> _QueueKey:
        return (-job.metadata.priority, job.metadata.created, self._seq[job.id], job.id)

    def _put(self, job: Job) -> None:
        old = self._jobs.get(job.id)
        if old is not None:
            self._counts[old.status] -= 1
            if isinstance(old, PendingJob):
                queue = self._pending[old.type]
                del queue[bisect.bisect_left(queue, self._key(old))]
            if isinstance(old, RunningJob) and not isinstance(job, RunningJob):
                self._claims.pop(job.id, None)
            if old.metadata.unique_key is not None and self._unique.get(old.metadata.unique_key) == job.id:
                del self._unique[old.metadata.unique_key]
        self._jobs[job.id] = job
        self._counts[job.status] += 1
        if job.metadata.unique_key is not None and isinstance(job, PendingJob | RunningJob):
            self._unique[job.metadata.unique_key] = job.id
        if isinstance(job, PendingJob):
            bisect.insort(self._pending.setdefault(job.type, []), self._key(job))
            self._wakeups.wake()

    def _held(self, claim: Claim) -> RunningJob[Any, Any]:
        current = self._jobs.get(claim.job_id)
        if current is None:
            raise LeaseLostError(claim.job_id, "gone")
        held = self._claims.get(claim.job_id)
        if not isinstance(current, RunningJob) or held is None or held.token != claim.token:
            reason = "cancelled" if current.status == "cancelled" else "expired"
            raise LeaseLostError(claim.job_id, reason)
        return current

    # -- the port ---------------------------------------------------------------

    async def create(self, job: PendingJob[Any]) -> JobId:
        validate_job_id(job.id)
        if job.id in self._jobs:
            raise JobAlreadyExistsError(job.id)
        key = job.metadata.unique_key
        if key is not None and (holder := self._unique.get(key)) is not None:
            return holder
        self._seq[job.id] = self._next_seq
        self._next_seq += 1
        self._put(job)
        return job.id

    async def get(self, job_id: JobId) -> Job | None:
        return self._jobs.get(validate_job_id(job_id))

    async def update(self, job: Job, *, expected_status: JobStatus) -> None:
        current = self._jobs.get(validate_job_id(job.id))
        if current is None or current.status != expected_status:
            raise JobStateConflictError(job.id, expected_status, current.status if current else None)
        self._put(job)

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
        check_claim_limit(limit)
        now = self._clock()
        queues = [self._pending.get(t, []) for t in (self._pending if types is None else types)]
        chosen: list[PendingJob[Any]] = []
        for key in heapq.merge(*queues):
            candidate = self._jobs[key[3]]
            assert isinstance(candidate, PendingJob)
            if candidate.is_due(now) and (accept is None or accept(candidate)):
                chosen.append(candidate)
                if len(chosen) == limit:
                    break
        return [self._start(job, worker_id, lease, now) for job in chosen]

    def _start(self, job: PendingJob[Any], worker_id: str, lease: timedelta, now: datetime) -> Claim:
        running = job.start(now)
        self._put(running)
        claim = Claim(job=running, worker_id=worker_id, token=secrets.token_hex(8), expires_at=now + lease)
        self._claims[running.id] = claim
        return claim

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        job = self._held(claim)
        expires_at = self._clock() + lease
        renewed = Claim(job=job, worker_id=claim.worker_id, token=claim.token, expires_at=expires_at)
        self._claims[claim.job_id] = renewed
        return renewed

    async def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        self._held(claim)
        held = self._claims[claim.job_id]
        self._jobs[job.id] = job
        updated = Claim(job=job, worker_id=held.worker_id, token=held.token, expires_at=held.expires_at)
        self._claims[job.id] = updated
        return updated

    async def finish(self, claim: Claim, job: Job) -> None:
        self._held(claim)
        self._put(job)

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        now = self._clock()
        recovered: list[Job] = []
        expired = [c for c in self._claims.values() if c.expires_at <= now]
        for claim in expired:
            if types is not None and claim.job.type not in types:
                continue
            running = self._jobs[claim.job_id]
            assert isinstance(running, RunningJob)
            after = running.abandon(now)
            self._put(after)
            recovered.append(after)
        return recovered

    async def list(self, query: JobQuery) -> list[Job]:
        matches = [
            job
            for job in self._jobs.values()
            if (query.status is None or job.status == query.status)
            and (query.type is None or job.type == query.type)
            and (query.user_id is None or job.user_id == query.user_id)
        ]
        matches.sort(key=lambda job: (job.metadata.created, self._seq[job.id]), reverse=True)
        return matches[query.offset : query.offset + query.limit]

    async def stats(self) -> QueueStats:
        return QueueStats(**self._counts)

    async def delete_finished_before(
        self, cutoff: datetime, statuses: Collection[JobStatus] = ("complete", "failed", "cancelled")
    ) -> int:
        doomed = [
            job
            for job in self._jobs.values()
            if job.status in statuses and (done := finished_at(job)) is not None and done < cutoff
        ]
        for job in doomed:
            del self._jobs[job.id]
            del self._seq[job.id]
            self._counts[job.status] -= 1
        return len(doomed)

    async def wait_for_work(self, timeout: float) -> None:
        await self._wakeups.wait(timeout)
