"""Jobs kept as files in a data directory, shared safely by any number of processes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from semiont_jobs.adapters.filesystem.jobs.folder_index import INDEX
from semiont_jobs.adapters.filesystem.jobs.group_commit import GroupCommitter, Writes
from semiont_jobs.adapters.filesystem.jobs.job_creation import Creation
from semiont_jobs.adapters.filesystem.jobs.job_files import STATUSES, JobFiles, StoredJob
from semiont_jobs.adapters.filesystem.jobs.job_leases import JobLeases
from semiont_jobs.adapters.filesystem.jobs.job_listing import JobListing
from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.adapters.filesystem.jobs.pending_tracker import PendingTracker
from semiont_jobs.adapters.filesystem.jobs.spare_files import SpareFiles
from semiont_jobs.adapters.filesystem.jobs.unique_markers import UNIQUE, UniqueMarkers
from semiont_jobs.domain.ids import JobId, validate_job_id
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob
from semiont_jobs.domain.queries import JobQuery, QueueStats
from semiont_jobs.domain.vocabulary import JobStatus, JobType
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.errors import JobStateConflictError, StoreUnavailableError
from semiont_jobs.ports.job_store import Claim, JobFilter, check_claim_limit

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
    else by polling every ``poll_interval`` seconds. With ``recycle_files`` (on
    Linux), replaced versions of job files are written again rather than new
    files created (``jobs/.spare/``), once no reader can still have them open.
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
        recycle_files: bool = True,
        clock: Clock = utc_now,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.foreign_lease = foreign_lease
        self._clock = clock
        self._files = JobFiles(self.data_dir / "jobs", settle=quarantine_settle)
        self._locks = JobLocks(self._files.locks_dir, set_aside=self._files.quarantine)
        self._leases = JobLeases(self._files)
        self._listing = JobListing(self._files, self._locks)
        self._unique = UniqueMarkers(self._files.root)
        self._spares = SpareFiles(os.fspath(self._files.root / ".spare"), enabled=recycle_files)
        self._commits = GroupCommitter(
            self._locks,
            self._files.move,
            self._spares,
            fsync=fsync,
            run=self._io,
            translate=self._unavailable,
        )
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
        self._opening = asyncio.Lock()

    # -- plumbing -----------------------------------------------------------------

    async def _io(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking file work off the event loop; OSErrors become ours."""
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as exc:
            raise self._unavailable(exc) from exc
        finally:
            self._pending.take_repairs()

    def _unavailable(self, exc: OSError) -> StoreUnavailableError:
        """The one place OSErrors become ours."""
        where = f" ({exc.filename})" if exc.filename else ""
        error = StoreUnavailableError(str(self.data_dir), f"{exc.strerror or exc}{where}")
        error.__cause__ = exc
        return error

    async def _ready(self) -> None:
        if not self._opened:
            await self.open()

    # -- the port -----------------------------------------------------------------------

    async def open(self) -> None:
        async with self._opening:  # first calls made at once (concurrent creates) open it once
            if self._opened:
                return
            try:
                await self._io(self._files.prepare)
            except StoreUnavailableError as exc:
                raise StoreUnavailableError(
                    str(self.data_dir), f"cannot create or write it: {exc.reason}"
                ) from exc
            await self._io(self._locks.open)
            await self._io(self._spares.open)
            await self._io(self._files.remove_stale_temps, STALE_TEMP_SECONDS, (INDEX, UNIQUE))
            self._opened = True
            await self._pending.start(self._io)

    async def close(self) -> None:
        if not self._opened:
            return
        self._opened = False
        await self._commits.close()
        await self._pending.stop()
        self._spares.close()
        self._locks.close()

    async def create(self, job: PendingJob[Any]) -> JobId:
        validate_job_id(job.id)
        await self._ready()
        creation = Creation(job, self._files, self._unique)
        job_id, inode = await self._commits.commit(creation.keys, creation.stage, creation.holder_lock)
        if job_id == job.id:
            self._pending.note(None, job, inode)
        return job_id

    def _get(self, job_id: JobId) -> StoredJob | None:
        with self._locks.hold(job_id):
            return self._files.locate(job_id)

    async def get(self, job_id: JobId) -> Job | None:
        validate_job_id(job_id)
        await self._ready()
        stored = await self._io(self._get, job_id)
        return stored.job if stored is not None else None

    def _update(self, job: Job, expected_status: JobStatus, writes: Writes) -> tuple[JobStatus, int]:
        stored = self._files.locate(job.id, expected_status)
        if stored is None or stored.folder != expected_status:
            raise JobStateConflictError(job.id, expected_status, stored.folder if stored else None)
        lease = stored.lease if isinstance(job, RunningJob) else None
        return stored.folder, self._files.store(stored, job, writes, lease)

    async def update(self, job: Job, *, expected_status: JobStatus) -> None:
        validate_job_id(job.id)
        await self._ready()
        before, inode = await self._commits.commit((job.id,), partial(self._update, job, expected_status))
        self._pending.note(before, job, inode)

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
        """Claim up to ``limit`` due jobs at once (committed together), in claim order."""
        check_claim_limit(limit)
        await self._ready()
        await self._pending.refresh(self._io)
        claims: list[Claim] = []
        while len(claims) < limit:
            now = self._clock()
            room = limit - len(claims)
            candidates = self._pending.index.best_many(now, types, accept, self._claiming, room)
            if not candidates:
                break
            self._claiming.update(job.id for job in candidates)
            try:
                outcomes = await asyncio.gather(
                    *(
                        self._commits.submit(
                            (job.id,), partial(self._leases.claim, job, worker_id, lease, now)
                        )
                        for job in candidates
                    ),
                    return_exceptions=True,
                )
            finally:
                self._claiming.difference_update(job.id for job in candidates)
            failure: BaseException | None = None
            for job, outcome in zip(candidates, outcomes, strict=True):
                if isinstance(outcome, BaseException):  # still pending, as far as is known
                    failure = failure or outcome
                    continue
                self._pending.index.remove(job.id)
                if isinstance(outcome, Claim):
                    claims.append(outcome)
                elif outcome is not None and isinstance(outcome.job, PendingJob):
                    self._pending.note(None, outcome.job, outcome.inode)
            if failure is not None:
                if not claims:
                    raise failure
                break
        return claims

    async def renew(self, claim: Claim, lease: timedelta) -> Claim:
        await self._ready()
        renew = partial(self._leases.renew, claim, lease, self._clock())
        return await self._commits.commit((claim.job_id,), renew)

    async def save_progress(self, claim: Claim, job: RunningJob[Any, Any]) -> Claim:
        if job.id != claim.job_id:
            raise ValueError(f"job {job.id!r} is not the claimed job {claim.job_id!r}")
        await self._ready()
        return await self._commits.commit((job.id,), partial(self._leases.save_progress, claim, job))

    async def finish(self, claim: Claim, job: Job) -> None:
        if job.id != claim.job_id:
            raise ValueError(f"job {job.id!r} is not the claimed job {claim.job_id!r}")
        await self._ready()
        inode = await self._commits.commit((job.id,), partial(self._leases.finish, claim, job))
        self._pending.note("running", job, inode)

    async def recover_expired(self, types: Collection[JobType] | None = None) -> list[Job]:
        await self._ready()
        now = self._clock()
        suspects = await self._io(self._leases.expired, types, now, self.foreign_lease)
        recovered = await asyncio.gather(
            *(
                self._commits.submit(
                    (job_id,), partial(self._leases.recover, job_id, types, now, self.foreign_lease)
                )
                for job_id in suspects
            )
        )
        for found in recovered:
            if found is not None:
                self._pending.note("running", *found)
        return [found[0] for found in recovered if found is not None]

    async def list(self, query: JobQuery) -> list[Job]:
        await self._ready()
        return await self._io(self._listing.page, query)

    def _stats(self) -> QueueStats:
        counts = {status: self._files.count(status) for status in STATUSES}
        return QueueStats(**counts, quarantined=self._files.count_quarantined())

    async def stats(self) -> QueueStats:
        await self._ready()
        return await self._io(self._stats)

    async def delete_finished_before(
        self, cutoff: datetime, statuses: Collection[JobStatus] = ("complete", "failed", "cancelled")
    ) -> int:
        await self._ready()
        deleted = await self._io(self._listing.delete_finished_before, cutoff, tuple(statuses))
        await self._io(self._unique.sweep, cutoff.timestamp(), self._locks, self._files)
        return deleted

    async def wait_for_work(self, timeout: float) -> None:
        await self._ready()
        await self._pending.wait(timeout)
