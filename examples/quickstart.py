"""Enqueue a job and run a custom worker on the default filesystem store (in a temporary directory)."""

import asyncio
import tempfile
from typing import Any

from semiont_jobs import (
    AnalysisProgress,
    Container,
    HighlightDetectionParams,
    HighlightDetectionResult,
    JobUser,
    JobWorker,
    ResourceId,
    RunningJob,
    UserId,
    job_to_dict,
)


class WordCountWorker(JobWorker):
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
        job = await queue.enqueue(HighlightDetectionParams(resource_id=ResourceId("doc-1")), user)
        await WordCountWorker(queue).run_until_idle()
        done = await queue.get_job(job.id)
        print(job_to_dict(done) if done else "job vanished")
        print(await queue.get_stats())


with tempfile.TemporaryDirectory() as scratch:
    asyncio.run(main(scratch))
