"""Listing jobs newest first, and deleting finished ones, over folders of any size."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection, Iterator
from datetime import datetime

from semiont_jobs.adapters.filesystem.jobs.folder_index import Entry, FolderIndex
from semiont_jobs.adapters.filesystem.jobs.job_files import PRECEDENCE, JobFiles, StoredJob
from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import Job, finished_at
from semiont_jobs.domain.queries import JobQuery
from semiont_jobs.domain.vocabulary import JobStatus


class JobListing:
    """Blocking reads over whole folders: a page of jobs, and cleanup.

    A page is chosen from each folder's :class:`FolderIndex` (newest ``created``
    first, merged across folders) and only its jobs' files are read. Cleanup walks
    each folder's names as they come, holding one job at a time.
    """

    def __init__(self, files: JobFiles, locks: JobLocks) -> None:
        self._files = files
        self._locks = locks
        self._indexes = {status: FolderIndex(files, status) for status in PRECEDENCE}

    def _get(self, job_id: JobId) -> StoredJob | None:
        with self._locks.hold(job_id):
            return self._files.locate(job_id)

    def _tagged(self, status: JobStatus) -> Iterator[tuple[Entry, JobStatus]]:
        for entry in self._indexes[status].entries():
            yield entry, status

    def page(self, query: JobQuery) -> list[Job]:
        statuses = [s for s in PRECEDENCE if query.status is None or s == query.status]
        streams = [self._tagged(status) for status in statuses]
        merged = heapq.merge(*streams, key=lambda item: (item[0].created, item[0].job_id), reverse=True)
        seen: set[JobId] = set()
        found: list[Job] = []
        for entry, status in merged:
            if entry.job_id in seen:
                continue
            if entry.created and (
                (query.type is not None and entry.job_type != query.type)
                or (query.user_id is not None and entry.user_id != query.user_id)
            ):
                continue
            stored = self._files.read(status, entry.job_id, locked=False) or self._get(entry.job_id)
            if stored is None or stored.folder != status:
                continue
            seen.add(entry.job_id)
            job = stored.job
            if (query.type is None or job.type == query.type) and (
                query.user_id is None or job.user_id == query.user_id
            ):
                found.append(job)
                if len(found) >= query.offset + query.limit:
                    break
        return list(itertools.islice(found, query.offset, None))

    def delete_finished_before(self, cutoff: datetime, statuses: Collection[JobStatus]) -> int:
        deleted = 0
        for status in statuses:
            for job_id, _inode in self._files.names(status):
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
