"""A worker whose behaviour a test supplies, recording what happened to it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from semiont_jobs import (
    CompleteJob,
    FailedJob,
    JobQueue,
    JobWorker,
    PendingJob,
    RunningJob,
    WorkerSettings,
)

Behaviour = Callable[["RecordingWorker", RunningJob[Any, Any]], Awaitable[Any]]


async def succeed(_worker: RecordingWorker, _job: RunningJob[Any, Any]) -> Any:
    return None


class RecordingWorker(JobWorker):
    """Runs ``behaviour`` for each job and records every hook call in ``log``."""

    def __init__(
        self, queue: JobQueue, behaviour: Behaviour = succeed, settings: WorkerSettings | None = None
    ) -> None:
        super().__init__(queue, settings)
        self.behaviour = behaviour
        self.log: list[tuple[str, str]] = []
        self.failed: list[FailedJob[Any]] = []
        self.completed: list[CompleteJob[Any, Any]] = []

    def worker_name(self) -> str:
        return "recording"

    def can_process_job(self, job: PendingJob[Any]) -> bool:
        return True

    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        self.log.append(("execute", job.id))
        return await self.behaviour(self, job)

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        self.log.append(("started", job.id))

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        self.log.append(("progress", job.id))

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        self.log.append(("completed", job.id))
        self.completed.append(job)

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        self.log.append(("failed", job.id))
        self.failed.append(job)

    async def on_job_retrying(self, job: PendingJob[Any], error: BaseException) -> None:
        self.log.append(("retrying", job.id))
