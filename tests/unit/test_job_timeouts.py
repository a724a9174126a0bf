"""Job timeouts: an attempt past ``job_timeout`` or ``stall_timeout`` is cancelled, failed and retried."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest

from semiont_jobs import (
    CompleteJob,
    FailedJob,
    HighlightDetectionResult,
    InMemoryJobStore,
    JobContext,
    JobQueue,
    JobWorker,
    PendingJob,
    RetryPolicy,
    RunningJob,
    WorkerSettings,
)
from semiont_jobs.application.job_context import JobCancelledError, JobTimedOutError
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.testing.jobs import pending

NO_BACKOFF = RetryPolicy(initial_delay=0, jitter=0)
RESULT = HighlightDetectionResult(highlights_found=0, highlights_created=0)
Job = RunningJob[Any, Any]
Context = JobContext[Any, Any]


def settings(retry: RetryPolicy = NO_BACKOFF, **limits: Any) -> WorkerSettings:
    return WorkerSettings(poll_interval=0.05, error_backoff=0.01, retry=retry, **limits)


@pytest.fixture
def queue() -> JobQueue:
    return JobQueue(InMemoryJobStore())


async def test_a_hanging_handler_is_timed_out_retried_and_its_slot_freed(queue: JobQueue) -> None:
    attempts: list[tuple[str, int]] = []
    forced: list[bool] = []
    seen_cancelled: list[bool] = []

    async def handler(job: Job, context: Context) -> Any:
        attempts.append((job.id, context.attempt))
        if job.id == "job-a" and context.attempt == 1:
            try:
                await asyncio.Event().wait()  # a model call that never returns; cancellation ignored
            except asyncio.CancelledError:
                seen_cancelled.append(context.cancelled)
                forced.append(True)
                raise
        return RESULT

    await queue.create_job(pending("job-a"))
    await queue.create_job(pending("job-b", offset_seconds=1))
    backoff = RetryPolicy(initial_delay=0.5, jitter=0)
    limits = settings(backoff, concurrency=1, job_timeout=0.3, timeout_grace=0.2)
    worker = JobWorker(queue, {"highlight-annotation": handler}, limits)
    started = time.monotonic()
    await asyncio.wait_for(worker.run_until_idle(), 10)
    await asyncio.sleep(0.6)
    await asyncio.wait_for(worker.run_until_idle(), 10)

    assert forced == [True] and seen_cancelled == [True]
    assert attempts == [("job-a", 1), ("job-b", 1), ("job-a", 2)], "job-b ran in the slot job-a held"
    assert time.monotonic() - started < 5
    done = await queue.get_job("job-a")
    assert isinstance(done, CompleteJob) and done.metadata.retry_count == 1
    assert isinstance(await queue.get_job("job-b"), CompleteJob)


async def test_the_timed_out_attempt_is_recorded_failed_naming_the_limit_and_its_lease_released(
    queue: JobQueue,
) -> None:
    async def hang(job: Job, context: Context) -> Any:
        await asyncio.Event().wait()

    await queue.create_job(pending("job-a", max_retries=3))
    limits = settings(RetryPolicy(initial_delay=0.5, jitter=0), job_timeout=0.2, timeout_grace=0.1)
    worker = JobWorker(queue, {"highlight-annotation": hang}, limits)
    task = asyncio.create_task(worker.start())
    try:
        while not isinstance(job := await queue.get_job("job-a"), PendingJob) or job.last_error is None:
            await asyncio.sleep(0.02)
        assert worker.running_jobs == 0, "the slot is still taken"
    finally:
        await worker.stop(grace=0)
        await asyncio.wait_for(task, 5)
    job = await queue.get_job("job-a")
    assert isinstance(job, PendingJob) and job.metadata.retry_count == 1 and job.run_after is not None
    assert job.last_error is not None
    assert "job_timeout" in job.last_error and "0.2 s" in job.last_error
    assert (await queue.get_stats()).running == 0
    await asyncio.sleep(0.6)
    claim = await queue.claim_next("another-worker", lease=timedelta(seconds=5))
    assert claim is not None and claim.job_id == "job-a", "the timed-out attempt still held the lease"


async def test_a_cooperative_handler_sees_the_cancellation_and_stops_before_the_grace(
    queue: JobQueue,
) -> None:
    caught: list[JobCancelledError] = []

    async def polite(job: Job, context: Context) -> Any:
        while True:
            await asyncio.sleep(0.02)
            try:
                context.raise_if_cancelled()
            except JobCancelledError as exc:
                caught.append(exc)
                raise

    await queue.create_job(pending("job-a", max_retries=1))
    worker = JobWorker(queue, {"highlight-annotation": polite}, settings(job_timeout=0.2, timeout_grace=30))
    started = time.monotonic()
    await asyncio.wait_for(worker.run_until_idle(), 10)

    assert time.monotonic() - started < 5, "the runtime waited for the grace instead of the handler"
    assert len(caught) == 1 and isinstance(caught[0], JobTimedOutError)
    assert caught[0].limit == "job_timeout"
    failed = await queue.get_job("job-a")
    assert isinstance(failed, FailedJob), "one retry allowed: the timed-out attempt fails the job"
    assert failed.error.startswith("timed out") and "workers.job_timeout" in failed.error


async def test_a_slow_handler_that_reports_progress_runs_past_the_stall_limit(queue: JobQueue) -> None:
    async def slow(job: Job, context: Context) -> Any:
        for step in range(10):
            await asyncio.sleep(0.1)
            await context.report_progress(AnalysisProgress(stage="analyzing", percentage=step * 10))
        return RESULT

    await queue.create_job(pending("job-a", max_retries=1))
    worker = JobWorker(queue, {"highlight-annotation": slow}, settings(stall_timeout=0.35, job_timeout=0))
    started = time.monotonic()
    await asyncio.wait_for(worker.run_until_idle(), 10)

    assert time.monotonic() - started >= 1.0
    assert isinstance(await queue.get_job("job-a"), CompleteJob)


async def test_a_handler_silent_past_the_stall_limit_is_stopped_naming_it(queue: JobQueue) -> None:
    async def silent(job: Job, context: Context) -> Any:
        await context.report_progress(AnalysisProgress(stage="analyzing", percentage=10))
        await asyncio.sleep(30)
        return RESULT

    await queue.create_job(pending("job-a", max_retries=1))
    worker = JobWorker(
        queue, {"highlight-annotation": silent}, settings(stall_timeout=0.3, job_timeout=0, timeout_grace=0.1)
    )
    await asyncio.wait_for(worker.run_until_idle(), 10)

    failed = await queue.get_job("job-a")
    assert isinstance(failed, FailedJob)
    assert "reported no progress for 0.3 s" in failed.error and "workers.stall_timeout" in failed.error


async def test_a_handler_that_returns_after_its_time_is_up_is_not_completed(queue: JobQueue) -> None:
    async def late(job: Job, context: Context) -> Any:
        while not context.cancelled:
            await asyncio.sleep(0.02)
        return RESULT

    await queue.create_job(pending("job-a", max_retries=1))
    await JobWorker(queue, {"highlight-annotation": late}, settings(job_timeout=0.1)).run_until_idle()

    failed = await queue.get_job("job-a")
    assert isinstance(failed, FailedJob) and "job_timeout" in failed.error


async def test_limits_apply_per_job_type(queue: JobQueue) -> None:
    async def sleepy(job: Job, context: Context) -> Any:
        await asyncio.sleep(0.4)
        return RESULT

    await queue.create_job(pending("job-h", max_retries=1))
    await queue.create_job(pending("job-c", job_type="comment-annotation", max_retries=1))
    limits = settings(concurrency=2, job_timeout={"highlight-annotation": 0.1}, timeout_grace=0.1)
    handlers: dict[JobType, Any] = {"highlight-annotation": sleepy, "comment-annotation": sleepy}
    await asyncio.wait_for(JobWorker(queue, handlers, limits).run_until_idle(), 10)

    assert isinstance(await queue.get_job("job-h"), FailedJob)
    assert isinstance(await queue.get_job("job-c"), CompleteJob)


def test_settings_take_seconds_for_every_type_or_a_table_over_the_defaults() -> None:
    defaults = WorkerSettings()
    assert defaults.job_timeout_of("highlight-annotation") == 7200
    assert defaults.job_timeout_of("generation") == 1800
    assert defaults.stall_timeout_of("tag-annotation") == 900
    every = WorkerSettings(job_timeout=5)
    assert {every.job_timeout_of(t) for t in ("generation", "reference-annotation")} == {5}
    table = WorkerSettings(job_timeout={"generation": 600}, stall_timeout={"tag-annotation": 0})
    assert table.job_timeout_of("generation") == 600
    assert table.job_timeout_of("comment-annotation") == 7200
    assert table.stall_timeout_of("tag-annotation") is None
    assert WorkerSettings(job_timeout=0).job_timeout_of("generation") is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"genration": 5}, "unknown job type 'genration'"),
        (-1, "-1 is not a number of seconds from 0"),
        ("5", "'5' is not a number of seconds"),
        ({"generation": True}, "generation: True is not a number of seconds"),
        (float("inf"), "inf is not a number of seconds from 0"),
    ],
)
def test_a_bad_limit_is_refused_naming_what_is_wrong(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match="job_timeout: ") as raised:
        WorkerSettings(job_timeout=value)
    assert message in str(raised.value)
