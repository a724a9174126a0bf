"""Jobs kept as files in a data directory, shared safely by any number of processes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from semiont_jobs.adapters.filesystem.jobs.job_files import PRECEDENCE, STATUSES, JobFiles, StoredJob
from semiont_jobs.adapters.filesystem.jobs.job_leases import JobLeases
from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.adapters.filesystem.jobs.pending_tracker import PendingTracker
from semiont_jobs.domain.ids import JobId, validate_job_id
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob, finished_at
from semiont_jobs.domain.queries import JobQuery, QueueStats
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.errors import JobAlreadyExistsError, JobStateConflictError, StoreUnavailableError
from semiont_jobs.ports.job_store import Claim, JobFilter

T = TypeVar("T")

STALE_TEMP_SECONDS = 600.0


class FilesystemJobStore:
    """A :class:`~semiont_jobs.ports.JobStore` in ``<data_dir>/jobs/<status>/<jobId>.json``.

    The layout and JSON are those of ``@semiont/jobs``, so a Node backend and
    Python workers can share one data directory. Every change to a job happens
    under that job's lock (``jobs/.locks/``), so claims are exclusive across
    processes and a lost claim is always detected. Running jobs carry a lease;
    a running file without one (written by the reference) counts as held until
    its modification time plus ``foreign_lease``. Unreadable files are moved to
    ``jobs/quarantine/`` once older than ``quarantine_settle`` seconds.
    Changes made by other processes are noticed through inotify (``watch``),
    else by polling every ``poll_interval`` seconds.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        fsync: bool = True,
        foreign_lease: timedelta = timedelta(minutes=10),
        watch: bool = True,
        poll_interval: float = 0.25,
        rescan_interval: float = 10.0,
        quarantine_settle: float = 2.0,
        clock: Clock = utc_now,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.foreign_lease = foreign_lease
        self._clock = clock
        self._files = JobFiles(self.data_dir / "jobs", fsync=fsync, settle=quarantine_settle)
        self._locks = JobLocks(self._files.locks_dir, set_aside=self._files.quarantine)
        self._leases = JobLeases(self._files, self._locks)
        self._pending = PendingTracker(
            self._files,
            self._locks,
            watch=watch,
            poll_interval=poll_interval,
            rescan_interval=rescan_interval,
        )
        self._claiming: set[JobId] = set()
        """Jobs this process is claiming right now; other claimers here pass them by."""
        self._opened = False

    # -- plumbing -----------------------------------------------------------------

    async def _io(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking file work off the event loop; the one place OSErrors become ours."""
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise StoreUnavailableError(str(self.data_dir), f"{exc.strerror or exc}{where}") from exc
        finally:
            self._pending.take_repairs()

    async def _ready(self) -> None:
        if not self._opened:
            await self.open()

    # -- the port -----------------------------------------------------------------------

    async def open(self) -> None:
        if self._opened:
            return
        try:
            await self._io(self._files.prepare)
        except StoreUnavailableError as exc:
            raise StoreUnavailableError(
                str(self.data_dir), f"cannot create or write it: {exc.reason}"
            ) from exc
        await self._io(self._locks.open)
        await self._io(self._files.remove_stale_temps, STALE_TEMP_SECONDS)
        self._opened = True
        await self._pending.start(self._io)

    async def close(self) -> None:
        if not self._opened:
            return
        self._opened = False
        await self._pending.stop()
        self._locks.close()

    def _create(self, job: PendingJob[Any]) -> int:
        with self._locks.hold(job.id):
            if self._files.locate(job.id) is not None:
                raise JobAlreadyExistsError(job.id)
            return self._files.create(job)

    async def create(self, job: PendingJob[Any]) -> None:
        validate_job_id(job.id)
        await self._ready()
        inode = await self._io(self._create, job)
        self._pending.note(None, job, inode)

    def _get(self, job_id: JobId) -> StoredJob | None:
        with self._locks.hold(job_id):
            return self._files.locate(job_id)

    async def get(self, job_id: JobId) -> Job | None:
        validate_job_id(job_id)
        await self._ready()
        stored = await self._io(self._get, job_id)
        return stored.job if stored is not None else None

    def _update(self, job: Job, expected_status: JobStatus) -> tuple[JobStatus, int]:
        with self._locks.hold(job.id):
            stored = self._files.locate(job.id, expected_status)
            if stored is None or stored.folder != expected_status:
                raise JobStateConflictError(job.id, expected_status, stored.folder if stored else None)
            lease = stored.lease if isinstance(job, RunningJob) else None
            return stored.folder, self._files.store(stored, job, lease)

    async def update(self, job: Job, *, expected_status: JobStatus) -> None:
        validate_job_id(job.id)
        await self._ready()
        before, inode = await self._io(self._update, job, expected_status)
        self._pending.note(before, job, inode)

    async def claim(
        self,
        worker_id: str,
        lease: timedelta,
        *,
        types: Collection[JobType] | None = None,
        accept: JobFilter | None = None,
    ) -> Claim | None:
        await self._ready()
        await self._pending.refresh(self._io)
        while True:
            now = self._clock()
            candidate = self._pending.index.best(now, types, accept, self._claiming)
            if candidate is None:
                return None
            self._claiming.add(candidate.id)
            try:
                outcome = await self._io(self._leases.claim, candidate, worker_id, lease, now)
            finally:
                self._claiming.discard(candidate.id)
            self._pending.index.remove(candidate.id)
            if isinstance(outcome, Claim):
                return outcome
            if outcome is not None and isinstance(outcome.job, PendingJob):
                self._pending.note(None, outcome.job, outcome.inode)

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        await self._ready()
        return await self._io(self._leases.renew, claim, lease, self._clock())

    async def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        if job.id != claim.job_id:
            raise ValueError(f"job {job.id!r} is not the claimed job {claim.job_id!r}")
        await self._ready()
        return await self._io(self._leases.save_progress, claim, job)

    async def finish(self, claim: Claim, job: Job) -> None:
        if job.id != claim.job_id:
            raise ValueError(f"job {job.id!r} is not the claimed job {claim.job_id!r}")
        await self._ready()
        inode = await self._io(self._leases.finish, claim, job)
        self._pending.note("running", job, inode)

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        await self._ready()
        recovered = await self._io(self._leases.recover, types, self._clock(), self.foreign_lease)
        for job, inode in recovered:
            self._pending.note("running", job, inode)
        return [job for job, _ in recovered]

    def _list(self, query: JobQuery) -> list[Job]:
        found: dict[JobId, Job] = {}
        for status in PRECEDENCE:
            if query.status is not None and status != query.status:
                continue
            for job_id, _inode in list(self._files.names(status)):
                if job_id in found:
                    continue
                stored = self._files.read(status, job_id, locked=False)
                if stored is None:
                    stored = self._get(job_id)
                if stored is None or stored.folder != status:
                    continue
                job = stored.job
                if (query.type is None or job.type == query.type) and (
                    query.user_id is None or job.user_id == query.user_id
                ):
                    found[job_id] = job
        ordered = sorted(found.values(), key=lambda job: (job.metadata.created, job.id), reverse=True)
        return ordered[query.offset : query.offset + query.limit]

    async def list(self, query: JobQuery) -> list[Job]:
        await self._ready()
        return await self._io(self._list, query)

    def _stats(self) -> QueueStats:
        counts = {status: self._files.count(status) for status in STATUSES}
        return QueueStats(**counts, quarantined=self._files.count_quarantined())

    async def stats(self) -> QueueStats:
        await self._ready()
        return await self._io(self._stats)

    def _delete_finished_before(self, cutoff: datetime, statuses: Collection[JobStatus]) -> int:
        deleted = 0
        for status in statuses:
            for job_id, _inode in list(self._files.names(status)):
                peek = self._files.read(status, job_id, locked=False)
                if peek is not None and ((done := finished_at(peek.job)) is None or done >= cutoff):
                    continue
                with self._locks.hold(job_id):
                    stored = self._files.locate(job_id)
                    if stored is None or stored.folder != status:
                        continue
                    done = finished_at(stored.job)
                    if done is not None and done < cutoff:
                        self._files.remove(stored)
                        deleted += 1
        return deleted

    async def delete_finished_before(
        self, cutoff: datetime, statuses: Collection[JobStatus] = ("complete", "failed", "cancelled")
    ) -> int:
        await self._ready()
        return await self._io(self._delete_finished_before, cutoff, tuple(statuses))

    async def wait_for_work(self, timeout: float) -> None:
        await self._ready()
        await self._pending.wait(timeout)
