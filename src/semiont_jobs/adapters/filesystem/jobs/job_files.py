"""Job files on disk in the reference's layout, read and moved one job at a time.

``<root>/<status>/<jobId>.json`` holds a job; a running job written by us also
carries a ``lease`` object that the reference ignores. A file is moved between
status folders content first: the new state is written over the old file (the
commit), then the file is renamed into its new folder. A file whose content
disagrees with its folder (a crash between the two steps) is moved on sight.
Any entry that is no readable job file (bad content once settled, a folder, a
link, a FIFO, a file over :data:`MAX_JOB_FILE_BYTES`) is set aside in
``quarantine/`` under the job's lock; an entry that vanishes is simply gone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import time
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import attrs

from semiont_jobs.adapters.filesystem.jobs.group_commit import Writes
from semiont_jobs.adapters.helpers.durable_files import is_temp_name
from semiont_jobs.adapters.helpers.shared_files import UnreadableFileError, age, changed_at, read_shared
from semiont_jobs.codec import (
    format_time,
    job_from_dict,
    job_to_dict,
    job_to_json,
    parse_time,
    read_json,
    to_json,
)
from semiont_jobs.domain.errors import InvalidJobError, InvalidJobIdError
from semiont_jobs.domain.ids import JobId, validate_job_id
from semiont_jobs.domain.jobs import Job, RunningJob
from semiont_jobs.domain.vocabulary import JobStatus

log = logging.getLogger("semiont_jobs.filesystem")

STATUSES: Final[tuple[JobStatus, ...]] = ("pending", "running", "complete", "failed", "cancelled")
PRECEDENCE: Final[tuple[JobStatus, ...]] = ("complete", "failed", "cancelled", "pending", "running")
"""Where a job is looked for; when (after a crash of a writer) it is in two folders, the first wins."""
QUARANTINE = "quarantine"
LOCKS = ".locks"
SUFFIX = ".json"
MAX_JOB_FILE_BYTES = 16 * 2**20
"""A job file longer than this is quarantined unread (the reference's are a few kilobytes)."""


@attrs.frozen(kw_only=True)
class Lease:
    """Who holds a running job, under which token, until when."""

    worker_id: str
    token: str
    expires_at: datetime

    def to_wire(self) -> dict[str, str]:
        return {"workerId": self.worker_id, "token": self.token, "expiresAt": format_time(self.expires_at)}


def lease_from_wire(value: object) -> Lease | None:
    """A lease object as we write it, or ``None`` for anything else."""
    if not isinstance(value, dict):
        return None
    worker_id, token, expires_at = value.get("workerId"), value.get("token"), value.get("expiresAt")
    if not (isinstance(worker_id, str) and isinstance(token, str)):
        return None
    try:
        return Lease(worker_id=worker_id, token=token, expires_at=parse_time(expires_at))
    except (TypeError, ValueError):
        return None


@attrs.frozen(kw_only=True)
class StoredJob:
    """A job as found on disk: its state, the folder holding it, its lease and file facts."""

    job: Job
    folder: JobStatus
    lease: Lease | None
    modified: datetime
    inode: int


def job_id_of(name: str) -> JobId | None:
    """The job id a file name stands for, or ``None`` when it names no job file."""
    if not name.endswith(SUFFIX) or name.startswith("."):
        return None
    try:
        return validate_job_id(name[: -len(SUFFIX)])
    except InvalidJobIdError:
        return None


def encode(job: Job, lease: Lease | None) -> bytes:
    """A job file's content: the wire JSON, plus our ``lease`` on running jobs."""
    if lease is None or not isinstance(job, RunningJob):
        return job_to_json(job)
    data = job_to_dict(job)
    data["lease"] = lease.to_wire()
    return to_json(data)


class JobFiles:
    """Blocking operations on the job files under ``root`` (``<data_dir>/jobs``).

    Callers hold the job's lock around every read-decide-write sequence.
    ``settle`` is how old an unreadable file must be before it is quarantined,
    so a file that a writer without atomic writes is still writing is left alone.
    """

    def __init__(self, root: Path, *, settle: float) -> None:
        self.root = root
        self.settle = settle
        self.quarantine_dir = root / QUARANTINE
        self.locks_dir = root / LOCKS
        self._dirs = {status: os.path.join(root, status) for status in STATUSES}
        self.repaired: deque[tuple[JobId, JobStatus]] = deque()
        """Jobs that ``locate`` moved into their status's folder, for the store to take note of."""

    def folder(self, status: JobStatus) -> Path:
        return self.root / status

    def path(self, status: JobStatus, job_id: JobId) -> str:
        return f"{self._dirs[status]}/{job_id}{SUFFIX}"

    def prepare(self) -> None:
        """Create the folders and prove that they can be written."""
        for folder in (*map(self.folder, STATUSES), self.quarantine_dir, self.locks_dir):
            folder.mkdir(parents=True, exist_ok=True)
        probe = self.root / f".probe-{os.getpid()}-{secrets.token_hex(4)}.tmp"
        probe.write_bytes(b"")
        probe.unlink()

    # -- reading ----------------------------------------------------------------

    def read(self, status: JobStatus, job_id: JobId, *, locked: bool = True) -> StoredJob | None:
        """The job in ``status``'s folder, or ``None`` when absent or unreadable.

        Under the job's lock (``locked``) an unreadable entry is quarantined: at once
        when it is no regular file, once settled when its content is bad.
        """
        path = self.path(status, job_id)
        try:
            found = read_shared(path, MAX_JOB_FILE_BYTES)
        except UnreadableFileError as exc:
            if locked:
                self.quarantine(path, exc.reason)
            return None
        if found is None:
            return None
        raw, info = found
        try:
            data: Any = read_json(raw)
            job = job_from_dict(data)
            if job.id != job_id:
                raise InvalidJobError("metadata.id", f"{job.id!r} does not match the file name")
        except InvalidJobError as exc:
            if locked and abs(age(info, time.time())) >= self.settle:
                self.quarantine(path, str(exc))
            return None
        return StoredJob(
            job=job,
            folder=status,
            lease=lease_from_wire(data.get("lease")),
            modified=changed_at(info),
            inode=info.st_ino,
        )

    def locate(self, job_id: JobId, expect: JobStatus | None = None) -> StoredJob | None:
        """The job wherever it is, moved into its status's folder if it was left elsewhere.

        With ``expect``, a job found in that folder with that status is taken without
        looking for stale copies elsewhere (a running copy only when it carries our lease).
        """
        if expect is not None:
            found = self.read(expect, job_id)
            if found is not None and found.job.status == expect and (expect != "running" or found.lease):
                return found
        for status in PRECEDENCE:
            found = self.read(status, job_id)
            if found is None:
                continue
            if found.job.status != found.folder:
                log.warning("job %s found in %s/ with status %s; moving it", job_id, status, found.job.status)
                try:
                    self.move(self.path(status, job_id), self.path(found.job.status, job_id))
                except FileNotFoundError:  # a writer without our locks (the reference) moved it first
                    return self.locate(job_id)
                found = attrs.evolve(found, folder=found.job.status)
                self.repaired.append((job_id, found.folder))
            return found
        return None

    def move(self, source: str, target: str) -> None:
        """Rename ``source`` over ``target``; a folder in the way is quarantined first."""
        try:
            os.replace(source, target)
        except IsADirectoryError:
            self.quarantine(target, "a folder, not a file")
            os.replace(source, target)

    def names(self, status: JobStatus) -> Iterator[tuple[JobId, int]]:
        """Job ids and inodes of the job files in ``status``'s folder; other entries are ignored."""
        with os.scandir(self.folder(status)) as entries:
            for entry in entries:
                job_id = job_id_of(entry.name)
                if job_id is not None:
                    yield job_id, entry.inode()

    def count(self, status: JobStatus) -> int:
        return sum(1 for _ in self.names(status))

    def count_quarantined(self) -> int:
        with os.scandir(self.quarantine_dir) as entries:
            return sum(1 for entry in entries if not entry.name.startswith("."))

    # -- writing ----------------------------------------------------------------

    def create(self, job: Job, writes: Writes) -> int:
        """Stage a new job file; return its inode."""
        return writes.put(self.path(job.status, job.id), job_to_json(job))

    def store(self, current: StoredJob, job: Job, writes: Writes, lease: Lease | None = None) -> int:
        """Stage ``job`` over ``current`` (then moved to its status's folder); return the new inode."""
        target = self.path(job.status, job.id) if job.status != current.folder else None
        return writes.put(self.path(current.folder, job.id), encode(job, lease), move_to=target)

    def remove(self, current: StoredJob) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(current.folder, current.job.id))

    def discard_superseded(self, status: JobStatus, current: StoredJob) -> None:
        """Delete a copy of ``current``'s job left in ``status``'s folder by a crashed writer."""
        path = self.path(status, current.job.id)
        if status == current.folder or not os.path.lexists(path):
            return
        if not os.path.isfile(path) or os.path.islink(path):
            self.quarantine(path, "no job file, in the way of one")
            return
        log.warning("job %s is %s; deleting a stale copy in %s/", current.job.id, current.folder, status)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    def quarantine(self, path: str, reason: str) -> None:
        """Set an unreadable file aside in ``quarantine/`` (named ``<folder>.<name>``) and log why."""
        folder, name = os.path.split(path)
        stem = f"{os.path.basename(folder).lstrip('.')}.{name}"
        target = self.quarantine_dir / stem
        n = 1
        while os.path.lexists(target):
            n += 1
            target = self.quarantine_dir / f"{stem}.{n}"
        try:
            os.replace(path, target)
        except FileNotFoundError:
            return
        log.error("quarantined %s as %s: %s", path, target.name, reason)

    def remove_stale_temps(self, older_than: float, also: Iterable[str] = ()) -> None:
        """Delete temporary files that a crashed writer left behind, in the status folders and in
        the existing folders named in ``also`` (under the root).

        Temporary files that vanish meanwhile (a writer renamed its own) are no
        concern, nor are entries with a temporary name that are no regular file.
        """
        now = time.time()
        folders = [self.folder(status) for status in STATUSES]
        folders += [self.root / name for name in also if (self.root / name).is_dir()]
        for folder in folders:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not is_temp_name(entry.name):
                        continue
                    try:
                        info = entry.stat(follow_symlinks=False)
                        if stat.S_ISREG(info.st_mode) and age(info, now) > older_than:
                            os.unlink(entry.path)
                    except FileNotFoundError:
                        continue
                    except OSError as exc:
                        log.warning("cannot remove the stale temporary file %s: %s", entry.path, exc)
