"""How a user's strictly typed code integrates semiont-jobs; type-checked by tests/unit/test_typing.py."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers

from semiont_jobs import (
    Container,
    HighlightDetectionParams,
    HighlightDetectionResult,
    InMemoryJobStore,
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
        stats = await queue.get_stats()
        found = await queue.get_job(job.id)
    return stats.complete + (0 if found is None else 1)
