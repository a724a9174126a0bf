"""Handlers and listeners on the worker runtime: dispatch by type, the job context, listener order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from semiont_jobs import (
    CompleteJob,
    FailedJob,
    HighlightDetectionParams,
    HighlightDetectionResult,
    InMemoryJobStore,
    JobCancelledError,
    JobContext,
    JobQueue,
    JobWorker,
    PendingJob,
    QuietListener,
    RetryPolicy,
    RunningJob,
    TagDetectionResult,
    WorkerSettings,
)
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.testing.jobs import pending

FAST = WorkerSettings(poll_interval=0.05, error_backoff=0.01, retry=RetryPolicy(initial_delay=0, jitter=0))
Job = RunningJob[HighlightDetectionParams, AnalysisProgress]
Context = JobContext[HighlightDetectionParams, AnalysisProgress]


class Heard(QuietListener):
    """Records what it is told, as (event, job id, status)."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, str, str]] = []

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        self.heard.append(("started", job.id, job.status))

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        self.heard.append(("progress", job.id, str(getattr(job.progress, "percentage", None))))

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        self.heard.append(("completed", job.id, job.status))

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        self.heard.append(("failed", job.id, job.error))

    async def on_job_retrying(self, job: PendingJob[Any], error: BaseException) -> None:
        self.heard.append(("retrying", job.id, str(error)))


@pytest.fixture
def queue() -> JobQueue:
    return JobQueue(InMemoryJobStore())


async def test_a_function_handler_runs_with_its_context_and_listeners_hear_each_stored_step(
    queue: JobQueue,
) -> None:
    seen: list[Any] = []

    async def handler(job: Job, context: Context) -> HighlightDetectionResult:
        seen.append((context.attempt, context.cancelled, context.job is job))
        updated = await context.report_progress(AnalysisProgress(stage="analyzing", percentage=40))
        stored = await queue.get_job(job.id)
        seen.append(isinstance(stored, RunningJob) and stored.progress == updated.progress)
        seen.append(context.job is updated)
        return HighlightDetectionResult(highlights_found=2, highlights_created=2)

    heard = Heard()
    await queue.create_job(pending("job-a"))
    await JobWorker(queue, {"highlight-annotation": handler}, FAST, [heard]).run_until_idle()

    done = await queue.get_job("job-a")
    assert isinstance(done, CompleteJob)
    assert done.result == HighlightDetectionResult(highlights_found=2, highlights_created=2)
    assert seen == [(1, False, True), True, True]
    assert heard.heard == [
        ("started", "job-a", "running"),
        ("progress", "job-a", "40"),
        ("completed", "job-a", "complete"),
    ]


async def test_one_worker_dispatches_each_job_to_the_handler_of_its_type(queue: JobQueue) -> None:
    ran: list[tuple[str, str]] = []

    async def highlights(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        ran.append(("highlights", job.id))
        return HighlightDetectionResult(highlights_found=0, highlights_created=0)

    async def tags(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        ran.append(("tags", job.id))
        return TagDetectionResult(tags_found=0, tags_created=0, by_category={})

    await queue.create_job(pending("job-h", offset_seconds=0))
    await queue.create_job(pending("job-t", job_type="tag-annotation", offset_seconds=1))
    await queue.create_job(pending("job-c", job_type="comment-annotation", offset_seconds=2))
    worker = JobWorker(queue, {"highlight-annotation": highlights, "tag-annotation": tags}, FAST)
    assert worker.types == frozenset({"highlight-annotation", "tag-annotation"})
    await worker.run_until_idle()

    assert ran == [("highlights", "job-h"), ("tags", "job-t")]
    untouched = await queue.get_job("job-c")
    assert isinstance(untouched, PendingJob)


async def test_retries_and_final_failure_reach_the_listeners_once_each(queue: JobQueue) -> None:
    async def broken(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        raise RuntimeError(f"attempt {context.attempt} broke")

    heard = Heard()
    await queue.create_job(pending("job-a", max_retries=2))
    await JobWorker(queue, {"highlight-annotation": broken}, FAST, [heard]).run_until_idle()

    assert [event for event in heard.heard if event[0] != "started"] == [
        ("retrying", "job-a", "attempt 1 broke"),
        ("failed", "job-a", "attempt 2 broke"),
    ]


async def test_a_failing_listener_neither_fails_the_job_nor_silences_the_next_listener(
    queue: JobQueue,
) -> None:
    class Exploding(QuietListener):
        async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
            raise RuntimeError("listener broke")

        async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
            raise RuntimeError("listener broke again")

    async def handler(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        return None

    heard = Heard()
    await queue.create_job(pending("job-a"))
    await JobWorker(queue, {"highlight-annotation": handler}, FAST, [Exploding(), heard]).run_until_idle()

    assert isinstance(await queue.get_job("job-a"), CompleteJob)
    assert [event[0] for event in heard.heard] == ["started", "completed"]


async def test_a_cancelled_job_shows_in_its_context_and_is_never_completed(queue: JobQueue) -> None:
    observed: list[bool] = []
    release = asyncio.Event()

    async def handler(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        observed.append(context.cancelled)
        await queue.cancel_job(job.id)
        release.set()
        try:
            await context.report_progress(AnalysisProgress(stage="analyzing", percentage=10))
        except JobCancelledError:
            observed.append(context.cancelled)
            with pytest.raises(JobCancelledError):
                context.raise_if_cancelled()
            raise
        return None

    await queue.create_job(pending("job-a"))
    await JobWorker(queue, {"highlight-annotation": handler}, FAST).run_until_idle()

    assert release.is_set()
    assert observed == [False, True]
    assert (await queue.get_stats()).cancelled == 1


def test_a_worker_needs_a_handler_or_a_subclass_that_runs_jobs(queue: JobQueue) -> None:
    with pytest.raises(TypeError, match="needs handlers"):
        JobWorker(queue)
    with pytest.raises(TypeError, match="needs handlers"):
        JobWorker(queue, {})


async def test_the_context_logger_names_the_job_and_attempt(
    queue: JobQueue, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        context.log.info("halfway")
        return None

    await queue.create_job(pending("job-a", retry_count=1))
    with caplog.at_level("INFO", logger="semiont_jobs.job"):
        await JobWorker(queue, {"highlight-annotation": handler}, FAST).run_until_idle()
    [record] = [record for record in caplog.records if record.getMessage() == "halfway"]
    assert (record.job_id, record.job_type, record.attempt) == ("job-a", "highlight-annotation", 2)  # type: ignore[attr-defined]
