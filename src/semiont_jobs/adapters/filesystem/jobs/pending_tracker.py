"""This process's picture of the pending folder kept in step with the disk, and waits for new work."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles, StoredJob, job_id_of
from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.adapters.filesystem.jobs.pending_index import PendingIndex
from semiont_jobs.adapters.filesystem.jobs.pending_watcher import PendingWatcher
from semiont_jobs.adapters.helpers.wakeups import Wakeups
from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import Job, PendingJob
from semiont_jobs.domain.vocabulary import JobStatus

T = TypeVar("T")

INLINE_LOOKUPS = 64
"""Up to this many changed names are looked up on the event loop (an ``lstat`` each, microseconds)."""


class RunBlocking(Protocol):
    """Runs blocking file work off the event loop (the store's, which translates its errors)."""

    async def __call__(self, fn: Callable[..., T], *args: Any) -> T: ...


class PendingTracker:
    """The pending jobs this process knows of, and the tasks waiting for new ones.

    Changes made by this process are taken note of as they happen; changes made by
    others are noticed by a :class:`PendingWatcher` and read by the next
    :meth:`refresh`, which also reads the whole folder again every
    ``rescan_interval`` seconds. ``index`` is a hint for choosing what to claim.
    """

    def __init__(
        self,
        files: JobFiles,
        locks: JobLocks,
        *,
        watch: bool,
        poll_interval: float,
        rescan_interval: float,
    ) -> None:
        self.index = PendingIndex()
        self._files = files
        self._locks = locks
        self._suspects: set[str] = set()
        self._rescan_due = True
        self._last_rescan = float("-inf")
        self._rescan_interval = rescan_interval
        self._watcher = PendingWatcher(
            files.folder("pending"), self.changed, use_notify=watch, poll_interval=poll_interval
        )
        self._wakeups = Wakeups()

    async def start(self, run: RunBlocking) -> None:
        """Watch the folder, then read all of it: a file written meanwhile is read, or reported."""
        await self._watcher.start(run)
        self._rescan_due = True
        await self.refresh(run)

    async def stop(self) -> None:
        """Stop watching and wake every waiter."""
        await self._watcher.stop()
        self.wake()

    # -- news of changes ------------------------------------------------------------

    def changed(self, names: set[str] | None) -> None:
        """Entries of the pending folder changed (``None``: it is not known which)."""
        if names is None:
            self._rescan_due = True
        else:
            self._suspects |= names
        self.wake()

    def note(self, before: JobStatus | None, job: Job, inode: int) -> None:
        """Keep the index in step with a change this process made."""
        if before == "pending":
            self.index.remove(job.id)
        if isinstance(job, PendingJob):
            self.index.put(job, inode)
            self.wake()

    def take_repairs(self) -> None:
        """Take note of the jobs that the job files moved into their status's folder."""
        repaired = self._files.repaired
        while repaired:
            job_id, folder = repaired.popleft()
            if folder == "pending":
                self.changed({f"{job_id}.json"})
            else:
                self.index.remove(job_id)

    # -- reading the folder again -------------------------------------------------------

    async def refresh(self, run: RunBlocking) -> None:
        """Read what changed since the last refresh (everything, when a rescan is due).

        A few suspects are looked up (``lstat``) on the event loop, so that a claim
        after this process's own changes needs no thread; new files are read in one.
        """
        full = self._rescan_due or time.monotonic() - self._last_rescan >= self._rescan_interval
        if full:
            self._rescan_due = False
            self._last_rescan = time.monotonic()
            present = await run(lambda: dict(self._files.names("pending")))
            gone = self.index.ids() - set(present)
        elif self._suspects:
            only = {job_id for name in self._suspects if (job_id := job_id_of(name)) is not None}
            self._suspects = set()
            present = self._present(only) if len(only) <= INLINE_LOOKUPS else await run(self._present, only)
            gone = only - set(present)
        else:
            return
        changed = [job_id for job_id, inode in present.items() if self.index.inode(job_id) != inode]
        self.index.remove_all(gone)
        if changed:
            fresh, vanished = await run(self._load, changed)
            self.index.remove_all(vanished)
            for stored in fresh:
                if isinstance(stored.job, PendingJob):
                    self.index.put(stored.job, stored.inode)

    def _present(self, only: set[JobId]) -> dict[JobId, int]:
        present: dict[JobId, int] = {}
        for job_id in only:
            with contextlib.suppress(FileNotFoundError):
                present[job_id] = os.lstat(self._files.path("pending", job_id)).st_ino
        return present

    def _load(self, job_ids: list[JobId]) -> tuple[list[StoredJob], list[JobId]]:
        fresh: list[StoredJob] = []
        vanished: list[JobId] = []
        for job_id in job_ids:
            stored = self._load_pending(job_id)
            if stored is None:
                vanished.append(job_id)
            else:
                fresh.append(stored)
        return fresh, vanished

    def _load_pending(self, job_id: JobId) -> StoredJob | None:
        stored = self._files.read("pending", job_id, locked=False)
        if stored is None or stored.job.status != "pending":
            with self._locks.hold(job_id):
                stored = self._files.locate(job_id)
        return stored if stored is not None and stored.folder == "pending" else None

    # -- waiting for work ---------------------------------------------------------------

    def wake(self) -> None:
        self._wakeups.wake()

    async def wait(self, timeout: float) -> None:
        """Return when :meth:`wake` is called, or after ``timeout`` seconds."""
        await self._wakeups.wait(timeout)
