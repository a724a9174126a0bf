"""Creating a job file, unique jobs included, as one transition of a group commit."""

from __future__ import annotations

from typing import Any

from semiont_jobs.adapters.filesystem.jobs.group_commit import Retry, Writes
from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles
from semiont_jobs.adapters.filesystem.jobs.unique_markers import UniqueMarkers, holds, lock_key
from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import PendingJob
from semiont_jobs.ports.errors import JobAlreadyExistsError


class Creation:
    """The creation of ``job``: its locks, and the work that stages its files.

    A job with a unique key locks the key and the job its marker names (read
    before locking by :meth:`holder_lock`, read again under the locks by
    :meth:`stage`, which asks for another batch if the marker changed meanwhile).
    When that job is pending or running with the key, nothing is written and its id
    is the result; otherwise the marker is staged first, then the job file, so a
    crash between the two renames leaves a marker naming no job: a free key.
    """

    def __init__(self, job: PendingJob[Any], files: JobFiles, unique: UniqueMarkers) -> None:
        self.job = job
        self._files = files
        self._unique = unique
        self._key = job.metadata.unique_key
        self._holder: JobId | None = None
        self.keys = (job.id,) if self._key is None else (job.id, lock_key(self._key))

    def holder_lock(self) -> list[str]:
        """The lock of the job that the key's marker names now (none without a key)."""
        self._holder = self._unique.named(self._key) if self._key is not None else None
        return [self._holder] if self._holder is not None else []

    def stage(self, writes: Writes) -> tuple[JobId, int]:
        """Stage the job (and its key's marker); return the id of the key's holder and its inode."""
        job = self.job
        if self._files.locate(job.id) is not None:
            raise JobAlreadyExistsError(job.id)
        if self._key is not None:
            named = self._unique.named(self._key)
            if named != self._holder:
                raise Retry
            held = self._files.locate(named) if named is not None else None
            if held is not None and holds(held, self._key):
                return held.job.id, 0
            self._unique.take(self._key, job.id, writes)
        return job.id, self._files.create(job, writes)
