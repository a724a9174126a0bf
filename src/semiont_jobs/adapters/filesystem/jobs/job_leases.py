"""Leases on job files: claiming a pending job, writing under the claim, recovering expired ones."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles, Lease, StoredJob
from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_store import Claim


class JobLeases:
    """Blocking claim and lease operations, each under the job's lock.

    A claim holds while the running file carries its lease token; every write
    made under a claim first checks that and raises :class:`LeaseLostError` if not.
    Write methods return the inode of the file written.
    """

    def __init__(self, files: JobFiles, locks: JobLocks) -> None:
        self._files = files
        self._locks = locks

    def claim(
        self, candidate: PendingJob[Any], worker_id: str, lease: timedelta, now: datetime
    ) -> Claim | StoredJob | None:
        """Start ``candidate`` under a new lease if it is stored as it is.

        Otherwise returns the job as stored when it is still pending, else ``None``.
        """
        with self._locks.hold(candidate.id):
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
            self._files.store(stored, running, held)
        return Claim(job=running, worker_id=worker_id, token=held.token, expires_at=held.expires_at)

    def renew(self, claim: Claim, lease: timedelta, now: datetime) -> Claim:
        with self._locks.hold(claim.job_id):
            stored = self._held(claim)
            assert isinstance(stored.job, RunningJob)
            held = Lease(worker_id=claim.worker_id, token=claim.token, expires_at=now + lease)
            self._files.store(stored, stored.job, held)
        return Claim(job=stored.job, worker_id=claim.worker_id, token=claim.token, expires_at=held.expires_at)

    def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        with self._locks.hold(claim.job_id):
            stored = self._held(claim)
            assert stored.lease is not None
            self._files.store(stored, job, stored.lease)
        return Claim(
            job=job, worker_id=claim.worker_id, token=claim.token, expires_at=stored.lease.expires_at
        )

    def finish(self, claim: Claim, job: Job) -> int:
        with self._locks.hold(claim.job_id):
            stored = self._held(claim)
            return self._files.store(stored, job, stored.lease if isinstance(job, RunningJob) else None)

    def recover(
        self, types: Collection[JobType] | None, now: datetime, foreign_lease: timedelta
    ) -> list[tuple[Job, int]]:
        """Record a failed attempt on each running job of ``types`` whose lease expired by ``now``.

        A running file without a lease counts as held until its modification time plus ``foreign_lease``.
        """
        recovered: list[tuple[Job, int]] = []
        for job_id, _inode in list(self._files.names("running")):
            peek = self._files.read("running", job_id, locked=False)
            if peek is not None and (
                (types is not None and peek.job.type not in types) or not _expired(peek, now, foreign_lease)
            ):
                continue
            with self._locks.hold(job_id):
                stored = self._files.locate(job_id)
                if stored is None:
                    continue
                if stored.folder != "running":
                    self._files.discard_superseded("running", stored)
                    continue
                job = stored.job
                if not isinstance(job, RunningJob) or (types is not None and job.type not in types):
                    continue
                if _expired(stored, now, foreign_lease):
                    after = job.abandon(now)
                    recovered.append((after, self._files.store(stored, after)))
        return recovered

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
