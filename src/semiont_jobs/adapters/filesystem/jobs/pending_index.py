"""This process's picture of the pending folder: which jobs wait, in claim order, per type."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any

from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.jobs import PendingJob
from semiont_jobs.domain.vocabulary import JobType

_Key = tuple[int, datetime, JobId]


def _key(job: PendingJob[Any]) -> _Key:
    """Claim order: higher priority first, then oldest first."""
    return (-job.metadata.priority, job.metadata.created, job.id)


class PendingIndex:
    """Pending jobs by id, each with the inode of the file it was read from.

    A hint for choosing what to claim, never the truth: the chosen job's file is
    read again under its lock before it is claimed.
    """

    def __init__(self) -> None:
        self._entries: dict[JobId, tuple[PendingJob[Any], int]] = {}
        self._queues: dict[JobType, list[_Key]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def ids(self) -> set[JobId]:
        return set(self._entries)

    def inode(self, job_id: JobId) -> int | None:
        entry = self._entries.get(job_id)
        return entry[1] if entry else None

    def put(self, job: PendingJob[Any], inode: int) -> None:
        self.remove(job.id)
        self._entries[job.id] = (job, inode)
        bisect.insort(self._queues.setdefault(job.type, []), _key(job))

    def remove(self, job_id: JobId) -> None:
        entry = self._entries.pop(job_id, None)
        if entry is None:
            return
        queue = self._queues[entry[0].type]
        del queue[bisect.bisect_left(queue, _key(entry[0]))]

    def remove_all(self, job_ids: Iterable[JobId]) -> None:
        for job_id in job_ids:
            self.remove(job_id)

    def best_many(
        self,
        now: datetime,
        types: Collection[JobType] | None,
        accept: Callable[[PendingJob[Any]], bool] | None,
        skip: Collection[JobId],
        limit: int,
    ) -> list[PendingJob[Any]]:
        """Up to ``limit`` due jobs of ``types`` that ``accept`` takes, not in ``skip``, in claim order."""
        queues = [self._queues[t] for t in (self._queues if types is None else types) if t in self._queues]
        chosen: list[PendingJob[Any]] = []
        for key in heapq.merge(*queues) if len(queues) > 1 else iter(queues[0] if queues else ()):
            if len(chosen) >= limit:
                break
            if key[-1] in skip:
                continue
            candidate = self._entries[key[-1]][0]
            if candidate.is_due(now) and (accept is None or accept(candidate)):
                chosen.append(candidate)
        return chosen
