"""Enqueue jobs and run them on the default filesystem store (in a temporary directory), two ways:
a typed handler given to the worker runtime, and a subclass of JobWorker as the reference's README shows."""

import asyncio
import tempfile
from typing import Any

from semiont_jobs import (
    Container,
    HighlightDetectionParams,
    HighlightDetectionResult,
    JobContext,
    JobUser,
    JobWorker,
    ResourceId,
    RunningJob,
    UserId,
)
from semiont_jobs.codec import job_to_dict
from semiont_jobs.domain.progress import AnalysisProgress

Job = RunningJob[HighlightDetectionParams, AnalysisProgress]


async def count_words(job: Job, context: JobContext[HighlightDetectionParams, AnalysisProgress]) -> Any:
    """A handler: the runtime claims the job, renews its lease, and stores what this returns."""
    await context.report_progress(AnalysisProgress(stage="analyzing", percentage=50))
    return HighlightDetectionResult(highlights_found=3, highlights_created=3)


class WordCountWorker(JobWorker):
    """The same work as a subclass."""

    job_types = frozenset({"highlight-annotation"})

    def worker_name(self) -> str:
        return "word-count"

    async def execute_job(self, job: RunningJob[Any, Any]) -> HighlightDetectionResult:
        await self.report_progress(job, AnalysisProgress(stage="analyzing", percentage=50))
        return HighlightDetectionResult(highlights_found=3, highlights_created=3)


async def main(data_dir: str) -> None:
    container = Container()
    container.config.job_store.data_dir.from_value(data_dir)
    queue = container.job_queue()
    async with container.lifespan():  # opens the store and bus the queue uses, closes them after
        user = JobUser(user_id=UserId("ada"), user_name="Ada", user_domain="example.org")
        params = HighlightDetectionParams(resource_id=ResourceId("doc-1"))

        first = await queue.enqueue(params, user)
        await JobWorker(queue, {"highlight-annotation": count_words}).run_until_idle()
        second = await queue.enqueue(params, user)
        await WordCountWorker(queue).run_until_idle()

        for job_id in (first.id, second.id):
            done = await queue.get_job(job_id)
            print(job_to_dict(done) if done else "job vanished")
        print(await queue.get_stats())


with tempfile.TemporaryDirectory() as scratch:
    asyncio.run(main(scratch))
