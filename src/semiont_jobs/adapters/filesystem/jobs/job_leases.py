"""Leases on job files: claiming a pending job, writing under the claim, recovering expired ones."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from semiont_jobs.adapters.filesystem.jobs.group_commit import Writes
from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles, Lease, StoredJob
from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_store import Claim


class JobLeases:
    """Blocking claim and lease transitions; the caller holds the job's lock and commits ``writes``.

    A claim holds while the running file carries its lease token; every write
    made under a claim first checks that and raises :class:`LeaseLostError` if not.
    """

    def __init__(self, files: JobFiles) -> None:
        self._files = files

    def claim(
        self, candidate: PendingJob[Any], worker_id: str, lease: timedelta, now: datetime, writes: Writes
    ) -> Claim | StoredJob | None:
        """Start ``candidate`` under a new lease if it is stored as it is.

        Otherwise returns the job as stored when it is still pending, else ``None``.
        """
        stored = self._files.locate(candidate.id, "pending")
        if stored is None:
            return None
        if stored.folder != "pending":
            self._files.discard_superseded("pending", stored)
            return None
        if stored.job != candidate:
            return stored
        running = candidate.start(now)
        held = Lease(worker_id=worker_id, token=secrets.token_hex(8), expires_at=now + lease)
        self._files.store(stored, running, writes, held)
        return Claim(job=running, worker_id=worker_id, token=held.token, expires_at=held.expires_at)

    def renew(self, claim: Claim, lease: timedelta, now: datetime, writes: Writes) -> Claim:
        stored = self._held(claim)
        assert isinstance(stored.job, RunningJob)
        held = Lease(worker_id=claim.worker_id, token=claim.token, expires_at=now + lease)
        self._files.store(stored, stored.job, writes, held)
        return Claim(job=stored.job, worker_id=claim.worker_id, token=claim.token, expires_at=held.expires_at)

    def save_progress(self, claim: Claim, job: RunningJob[Any, Any], writes: Writes) -> Claim:
        stored = self._held(claim)
        assert stored.lease is not None
        self._files.store(stored, job, writes, stored.lease)
        return Claim(
            job=job, worker_id=claim.worker_id, token=claim.token, expires_at=stored.lease.expires_at
        )

    def finish(self, claim: Claim, job: Job, writes: Writes) -> int:
        stored = self._held(claim)
        return self._files.store(stored, job, writes, stored.lease if isinstance(job, RunningJob) else None)

    def expired(
        self, types: Collection[JobType] | None, now: datetime, foreign_lease: timedelta
    ) -> list[JobId]:
        """Running jobs of ``types`` that look expired (read without locks: check with :meth:`recover`).

        A running file without a lease counts as held until its modification time plus ``foreign_lease``.
        """
        found: list[JobId] = []
        for job_id, _inode in self._files.names("running"):
            peek = self._files.read("running", job_id, locked=False)
            if peek is None or (
                (types is None or peek.job.type in types) and _expired(peek, now, foreign_lease)
            ):
                found.append(job_id)
        return found

    def recover(
        self,
        job_id: JobId,
        types: Collection[JobType] | None,
        now: datetime,
        foreign_lease: timedelta,
        writes: Writes,
    ) -> tuple[Job, int] | None:
        """Record a failed attempt on the running job ``job_id`` if its lease expired by ``now``."""
        stored = self._files.locate(job_id)
        if stored is None:
            return None
        if stored.folder != "running":
            self._files.discard_superseded("running", stored)
            return None
        job = stored.job
        if not isinstance(job, RunningJob) or (types is not None and job.type not in types):
            return None
        if not _expired(stored, now, foreign_lease):
            return None
        after = job.abandon(now)
        return after, self._files.store(stored, after, writes)

    def _held(self, claim: Claim) -> StoredJob:
        """The claimed job as stored, if ``claim`` still holds it (call under the job's lock)."""
        stored = self._files.locate(claim.job_id, "running")
        if stored is None:
            raise LeaseLostError(claim.job_id, "gone")
        if stored.folder != "running" or stored.lease is None or stored.lease.token != claim.token:
            raise LeaseLostError(claim.job_id, "cancelled" if stored.folder == "cancelled" else "expired")
        return stored


def _expired(stored: StoredJob, now: datetime, foreign_lease: timedelta) -> bool:
    if stored.lease is not None:
        return stored.lease.expires_at <= now
    return stored.modified + foreign_lease <= now
