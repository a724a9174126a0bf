"""Unique jobs on disk: a marker file per unique key names the job that holds the key.

``<root>/.unique/<digest>.json`` holds ``{"uniqueKey": ..., "jobId": ...}``. The key
is held while the job named there is pending or running with that key; once it
is finished, gone, or the marker unreadable, the key is free and the next unique
create takes it by writing the marker over. So a finished job needs no cleanup
to free its key, and a crash between the marker and the job file leaves a
marker naming no job: a free key. Markers are written, read and deleted under the
key's lock (``unique:<key>``) together with the named job's lock; ``cleanup``
deletes the markers of free keys written before its cutoff.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from semiont_jobs.adapters.filesystem.jobs.group_commit import Writes
from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles, StoredJob
from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.adapters.helpers.durable_files import fsync_dir
from semiont_jobs.adapters.helpers.shared_files import UnreadableFileError, read_shared
from semiont_jobs.domain.errors import InvalidJobIdError
from semiont_jobs.domain.ids import JobId, validate_job_id

UNIQUE = ".unique"
MAX_MARKER_BYTES = 64 * 1024


def lock_key(unique_key: str) -> str:
    """The lock a unique key's marker is read and written under."""
    return f"unique:{unique_key}"


class UniqueMarkers:
    """The markers of unique keys in ``<root>/.unique/``."""

    def __init__(self, root: Path) -> None:
        self.directory = root / UNIQUE

    def path(self, unique_key: str) -> str:
        digest = hashlib.sha256(unique_key.encode("utf-8")).hexdigest()[:40]
        return os.path.join(self.directory, f"{digest}.json")

    def named(self, unique_key: str) -> JobId | None:
        """The job the key's marker names, or ``None`` (no marker, or one that names no job of this key)."""
        found = _read(self.path(unique_key))
        return found[1] if found is not None and found[0] == unique_key else None

    def sweep(self, before: float, locks: JobLocks, files: JobFiles) -> int:
        """Delete the markers written before ``before`` (POSIX time) whose key is free; return how many."""
        removed = 0
        for path, written in self._marker_files():
            found = _read(path) if written < before else None
            if found is None:
                continue
            key, holder = found
            with locks.hold_all((lock_key(key), holder)):
                if self.named(key) == holder and not holds(files.locate(holder), key):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
                        removed += 1
        if removed:
            fsync_dir(self.directory)
        return removed

    def _marker_files(self) -> Iterator[tuple[str, float]]:
        if not self.directory.is_dir():
            return
        with os.scandir(self.directory) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(".json") and entry.name[0] != "."]
        for name in names:
            path = os.path.join(self.directory, name)
            with contextlib.suppress(FileNotFoundError):
                yield path, os.stat(path).st_mtime

    def take(self, unique_key: str, job_id: JobId, writes: Writes) -> None:
        """Stage a marker naming ``job_id`` as the key's holder (making the folder on first use)."""
        if not self.directory.is_dir():
            self.directory.mkdir(exist_ok=True)
            fsync_dir(self.directory.parent)
        data = json.dumps({"uniqueKey": unique_key, "jobId": job_id}, ensure_ascii=False)
        writes.put(self.path(unique_key), data.encode("utf-8"))


def holds(stored: StoredJob | None, unique_key: str) -> bool:
    """Whether ``stored`` holds ``unique_key``: pending or running with that key."""
    return (
        stored is not None
        and stored.job.status in ("pending", "running")
        and stored.job.metadata.unique_key == unique_key
    )


def _read(path: str) -> tuple[str, JobId] | None:
    """The key a marker file is for and the job it names, or ``None`` when absent or unreadable."""
    try:
        found = read_shared(path, MAX_MARKER_BYTES)
    except UnreadableFileError:
        return None
    if found is None:
        return None
    with contextlib.suppress(ValueError, TypeError, InvalidJobIdError, AttributeError):
        data = json.loads(found[0])
        key = data.get("uniqueKey")
        if isinstance(key, str):
            return key, validate_job_id(data.get("jobId"))
    return None
