"""How a user's strictly typed code integrates semiont-jobs; type-checked by tests/unit/test_typing.py."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers

from semiont_jobs import (
    Container,
    HighlightDetectionParams,
    HighlightDetectionResult,
    InMemoryJobStore,
    JobContext,
    JobQueue,
    JobStore,
    JobUser,
    JobWorker,
    PendingJob,
    ResourceId,
    RunningJob,
    UserId,
    WorkerSettings,
)
from semiont_jobs.domain.progress import AnalysisProgress

Job = RunningJob[HighlightDetectionParams, AnalysisProgress]
Context = JobContext[HighlightDetectionParams, AnalysisProgress]


async def count_words(job: Job, context: Context) -> HighlightDetectionResult:
    """A handler written as a plain function: mypy sees the params, progress and result types."""
    instructions: str | None = job.params.instructions
    await context.report_progress(AnalysisProgress(stage="analyzing", percentage=50))
    found = len((instructions or "").split())
    return HighlightDetectionResult(highlights_found=found, highlights_created=found)


class CountingHandler:
    """A handler written as a class."""

    def __init__(self, step: float) -> None:
        self.step = step

    async def __call__(self, job: Job, context: Context) -> HighlightDetectionResult:
        updated: Job = await context.report_progress(AnalysisProgress(stage="creating", percentage=self.step))
        assert updated.progress is not None
        return HighlightDetectionResult(
            highlights_found=0, highlights_created=int(updated.progress.percentage)
        )


class CountingWorker(JobWorker):
    def worker_name(self) -> str:
        return "counting"

    def can_process_job(self, job: PendingJob[Any]) -> bool:
        return job.type == "highlight-annotation"

    async def execute_job(self, job: RunningJob[Any, Any]) -> HighlightDetectionResult:
        return HighlightDetectionResult(highlights_found=0, highlights_created=0)


async def main() -> int:
    container = Container()
    container.config.from_dict({"job_store": {"backend": "memory"}})
    store: JobStore = InMemoryJobStore()
    container.job_store.override(providers.Object(store))
    queue: JobQueue = container.job_queue()
    async with container.lifespan():
        user = JobUser(user_id=UserId("u1"), user_domain="example.org")
        job = await queue.enqueue(HighlightDetectionParams(resource_id=ResourceId("r1")), user)
        worker = CountingWorker(queue, WorkerSettings(concurrency=2))
        await worker.run_until_idle()
        await JobWorker(queue, {"highlight-annotation": count_words}).run_until_idle()
        handler = CountingHandler(0.5)
        await JobWorker(queue, {"highlight-annotation": handler}, WorkerSettings()).run_until_idle()
        stats = await queue.get_stats()
        found = await queue.get_job(job.id)
    return stats.complete + (0 if found is None else 1)
