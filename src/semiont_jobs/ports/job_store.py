"""The JobStore port: where jobs live, how they are claimed, and their leases."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any, Protocol

import attrs

from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob
from semiont_jobs.domain.queries import JobQuery, QueueStats
from semiont_jobs.domain.vocabulary import JobStatus, JobType


@attrs.frozen(kw_only=True)
class Claim:
    """A job taken by one worker, held until ``expires_at`` unless renewed.

    ``token`` identifies this claim; a store accepts writes to the job only with
    the token of its current claim.
    """

    job: RunningJob[Any, Any]
    worker_id: str
    token: str
    expires_at: datetime

    @property
    def job_id(self) -> JobId:
        return self.job.id


JobFilter = Callable[[PendingJob[Any]], bool]


def check_claim_limit(limit: int) -> None:
    """Raise the ``ValueError`` that :meth:`JobStore.claim_many` promises for a limit below 1."""
    if limit < 1:
        raise ValueError(f"claim_many needs a limit of at least 1, got {limit!r}")


class JobStore(Protocol):
    """Durable home of jobs.

    Promises:

    * ``claim`` and ``claim_many`` are atomic: among any number of concurrent
      claimers, in any number of processes, each pending job is claimed by at most
      one of them, never before its ``run_after``, in claim order: higher
      ``priority`` first, oldest ``created`` first within a priority.
    * ``create`` keeps jobs unique: of the jobs sharing a ``unique_key``, at most one
      is pending or running at a time, however many processes create them at once.
    * A claim lasts for its lease; ``renew`` extends it. Once a lease has expired,
      ``recover_expired`` returns the job to pending (or to failed when it has no
      retries left) and the old claim's writes fail with ``LeaseLostError``.
    * Writes are all-or-nothing; a crash never leaves a torn job behind.

    Every method may raise :class:`~semiont_jobs.ports.errors.StoreUnavailableError`
    when the medium cannot be reached, and rejects an invalid job id with
    :class:`~semiont_jobs.domain.errors.InvalidJobIdError` before touching it.
    """

    async def open(self) -> None:
        """Prepare the store for use (idempotent); raises ``StoreUnavailableError``."""
        ...

    async def close(self) -> None:
        """Release the store's resources (idempotent)."""
        ...

    async def create(self, job: PendingJob[Any]) -> JobId:
        """Add a new pending job and return its id.

        When ``job.metadata.unique_key`` is set and a pending or running job holds
        that key, nothing is added and that job's id is returned instead. Raises
        ``JobAlreadyExistsError`` if the id is taken.
        """
        ...

    async def get(self, job_id: JobId) -> Job | None:
        """The job with this id in its current state, or ``None``."""
        ...

    async def update(self, job: Job, *, expected_status: JobStatus) -> None:
        """Replace a job that is in ``expected_status``, possibly moving it to a new status.

        Raises ``JobStateConflictError`` when the job is in another status (or gone).
        A running job's claim, if any, ends when it leaves ``running``.
        """
        ...

    async def claim(
        self,
        worker_id: str,
        lease: timedelta,
        *,
        types: Collection[JobType] | None = None,
        accept: JobFilter | None = None,
    ) -> Claim | None:
        """Move the first due pending job in claim order to running and return its claim, or ``None``.

        Only jobs of ``types`` (all when ``None``) for which ``accept`` returns true
        (all when ``None``) are considered.
        """
        ...

    async def claim_many(
        self,
        worker_id: str,
        lease: timedelta,
        limit: int,
        *,
        types: Collection[JobType] | None = None,
        accept: JobFilter | None = None,
    ) -> list[Claim]:
        """Claim up to ``limit`` due pending jobs at once, as ``claim`` would one by one.

        Returns the claims in claim order; ``[]`` when none is claimable. A
        ``limit`` below 1 raises ``ValueError``.
        """
        ...

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        """Extend a claim's lease; raises ``LeaseLostError`` if it is no longer held."""
        ...

    async def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        """Store a running job's new progress under its claim.

        Raises ``LeaseLostError`` when the claim is no longer held, with reason
        ``"cancelled"`` when the job was cancelled meanwhile.
        """
        ...

    async def finish(self, claim: Claim, job: Job) -> None:
        """End a claim by storing the job's next state (complete, failed or pending).

        Raises ``LeaseLostError`` when the claim is no longer held; the job is then
        left as it is.
        """
        ...

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        """Return every running job (of ``types``, all when ``None``) whose lease expired.

        Each goes back to pending, or to failed when it has no retries left; the
        recovered jobs are returned in their new state.
        """
        ...

    async def list(self, query: JobQuery) -> list[Job]:
        """Jobs matching ``query``, newest ``created`` first."""
        ...

    async def stats(self) -> QueueStats:
        """How many jobs are in each status."""
        ...

    async def delete_finished_before(
        self, cutoff: datetime, statuses: Collection[JobStatus] = ("complete", "failed", "cancelled")
    ) -> int:
        """Delete finished jobs whose ``completedAt`` is before ``cutoff``; return how many."""
        ...

    async def wait_for_work(self, timeout: float) -> None:
        """Return when a job may have become claimable, or after ``timeout`` seconds.

        A job created or released anywhere (other processes included, where the
        store is shared) wakes waiters promptly; spurious wake-ups are allowed.
        """
        ...
