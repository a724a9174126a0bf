"""The worker runtime: completion, retries with backoff, failure, cancellation, shutdown."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from semiont_jobs import (
    CancelledJob,
    CompleteJob,
    FailedJob,
    HighlightDetectionResult,
    InMemoryJobStore,
    JobCancelledError,
    JobQueue,
    JobWorker,
    PendingJob,
    RetryPolicy,
    RunningJob,
    WorkerSettings,
)
from semiont_jobs.application.job_logging import JobIdFilter
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.testing.jobs import pending
from tests.support.workers import RecordingWorker

FAST = WorkerSettings(poll_interval=0.05, error_backoff=0.01, retry=RetryPolicy(initial_delay=0, jitter=0))
RESULT = HighlightDetectionResult(highlights_found=1, highlights_created=1)


@pytest.fixture
def queue() -> JobQueue:
    return JobQueue(InMemoryJobStore())


class Flaky:
    """Fails the first ``failures`` attempts with ``error``, then succeeds."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or RuntimeError("model overloaded")
        self.attempts = 0

    async def __call__(self, worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        return RESULT


async def test_successful_job_completes_with_its_result_and_hooks_in_order(queue: JobQueue) -> None:
    async def work(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        job = await worker.report_progress(job, AnalysisProgress(stage="analyzing", percentage=50))
        assert job.progress == AnalysisProgress(stage="analyzing", percentage=50)
        return RESULT

    await queue.create_job(pending("job-a"))
    worker = RecordingWorker(queue, work, FAST)
    await worker.run_until_idle()
    done = await queue.get_job("job-a")
    assert isinstance(done, CompleteJob) and done.result == RESULT
    assert worker.log == [
        ("started", "job-a"),
        ("execute", "job-a"),
        ("progress", "job-a"),
        ("completed", "job-a"),
    ]
    stats = await queue.get_stats()
    assert (stats.complete, stats.running, stats.pending) == (1, 0, 0)


async def test_failed_attempts_retry_then_complete(queue: JobQueue) -> None:
    flaky = Flaky(failures=2)
    await queue.create_job(pending("job-a", max_retries=3))
    worker = RecordingWorker(queue, flaky, FAST)
    await worker.run_until_idle()
    done = await queue.get_job("job-a")
    assert isinstance(done, CompleteJob) and done.metadata.retry_count == 2
    assert flaky.attempts == 3
    assert [entry for entry, _ in worker.log if entry in ("retrying", "failed", "completed")] == [
        "retrying",
        "retrying",
        "completed",
    ]


async def test_retry_waits_for_its_backoff(queue: JobQueue) -> None:
    settings = WorkerSettings(poll_interval=0.05, retry=RetryPolicy(initial_delay=0.3, jitter=0))
    await queue.create_job(pending("job-a"))
    worker = RecordingWorker(queue, Flaky(failures=1), settings)
    before = datetime.now(UTC)
    await worker.run_until_idle()
    waiting = await queue.get_job("job-a")
    assert isinstance(waiting, PendingJob) and waiting.run_after is not None
    assert timedelta(seconds=0.29) <= waiting.run_after - before <= timedelta(seconds=1)
    assert waiting.last_error == "model overloaded"
    assert await queue.claim_next("other", lease=timedelta(seconds=5)) is None
    await asyncio.sleep(0.35)
    await worker.run_until_idle()
    assert isinstance(await queue.get_job("job-a"), CompleteJob)


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = RetryPolicy(initial_delay=1, multiplier=2, max_delay=10, jitter=0.5, random=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 5.0]
    steady = RetryPolicy(initial_delay=1, multiplier=2, max_delay=10, jitter=0.5, random=lambda: 0.0)
    assert [steady.delay(n) for n in (1, 2, 3, 4, 5)] == [1, 2, 4, 8, 10]
    assert steady.delay(10_000) == 10


async def test_permanent_failure_leaves_one_failed_job_and_calls_the_hook_once(queue: JobQueue) -> None:
    await queue.create_job(pending("job-a", max_retries=3))
    worker = RecordingWorker(queue, Flaky(failures=99), FAST)
    await worker.run_until_idle()
    failed = await queue.get_job("job-a")
    assert isinstance(failed, FailedJob)
    assert (failed.error, failed.metadata.retry_count) == ("model overloaded", 3)
    assert failed.started_at is not None
    assert worker.failed == [failed]
    stats = await queue.get_stats()
    assert (stats.failed, stats.pending, stats.running, stats.total) == (1, 0, 0, 1)


async def test_error_marked_not_retryable_fails_at_once(queue: JobQueue) -> None:
    class BadSchema(Exception):
        retryable = False

    flaky = Flaky(failures=99, error=BadSchema("unknown schema 'x'"))
    await queue.create_job(pending("job-a", max_retries=5))
    worker = RecordingWorker(queue, flaky, FAST)
    await worker.run_until_idle()
    failed = await queue.get_job("job-a")
    assert isinstance(failed, FailedJob) and failed.error == "unknown schema 'x'"
    assert flaky.attempts == 1 and len(worker.failed) == 1


async def test_cancelled_job_is_noticed_at_next_progress_and_never_completed(queue: JobQueue) -> None:
    cancelled = asyncio.Event()
    seen: list[BaseException] = []

    async def work(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        job = await worker.report_progress(job, AnalysisProgress(stage="analyzing", percentage=10))
        await cancelled.wait()
        try:
            await worker.report_progress(job, AnalysisProgress(stage="creating", percentage=60))
        except JobCancelledError as exc:
            seen.append(exc)
            raise
        return RESULT

    await queue.create_job(pending("job-a"))
    worker = RecordingWorker(queue, work, FAST)
    running = asyncio.create_task(worker.run_until_idle())
    while not any(entry == "progress" for entry, _ in worker.log):
        await asyncio.sleep(0.01)
    assert await queue.cancel_job("job-a") is True
    cancelled.set()
    await asyncio.wait_for(running, 5)
    assert len(seen) == 1
    assert isinstance(await queue.get_job("job-a"), CancelledJob)
    assert worker.completed == [] and worker.failed == []


async def test_stop_hands_back_a_job_that_outlives_the_grace(queue: JobQueue) -> None:
    never = asyncio.Event()

    async def stuck(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        await never.wait()

    await queue.create_job(pending("job-a"))
    worker = RecordingWorker(queue, stuck, FAST)
    task = asyncio.create_task(worker.start())
    while worker.running_jobs == 0:
        await asyncio.sleep(0.01)
    await worker.stop(grace=0.1)
    await asyncio.wait_for(task, 5)
    back = await queue.get_job("job-a")
    assert isinstance(back, PendingJob) and back.metadata.retry_count == 0
    assert (await queue.get_stats()).running == 0


async def test_stop_lets_a_job_finish_within_the_grace(queue: JobQueue) -> None:
    async def slowish(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        await asyncio.sleep(0.2)
        return RESULT

    await queue.create_job(pending("job-a"))
    await queue.create_job(pending("job-b", offset_seconds=1))
    worker = RecordingWorker(queue, slowish, FAST)
    task = asyncio.create_task(worker.start())
    while worker.running_jobs == 0:
        await asyncio.sleep(0.01)
    await worker.stop(grace=5)
    await task
    assert isinstance(await queue.get_job("job-a"), CompleteJob)
    assert isinstance(await queue.get_job("job-b"), PendingJob)


async def test_concurrency_runs_several_jobs_at_once(queue: JobQueue) -> None:
    in_flight: list[str] = []
    peak = 0
    all_started = asyncio.Event()

    async def overlapping(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        nonlocal peak
        in_flight.append(job.id)
        peak = max(peak, len(in_flight))
        if len(in_flight) == 3:
            all_started.set()
        await asyncio.wait_for(all_started.wait(), 5)
        in_flight.remove(job.id)
        return RESULT

    for i in range(6):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
    worker = RecordingWorker(queue, overlapping, WorkerSettings(concurrency=3, poll_interval=0.05))
    await worker.run_until_idle()
    assert peak == 3
    assert (await queue.get_stats()).complete == 6


async def test_idle_worker_wakes_when_a_job_is_created(queue: JobQueue) -> None:
    worker = RecordingWorker(queue, settings=WorkerSettings(poll_interval=30))
    task = asyncio.create_task(worker.start())
    await asyncio.sleep(0.1)
    created = time.monotonic()
    await queue.create_job(pending("job-a"))
    while not isinstance(await queue.get_job("job-a"), CompleteJob):
        assert time.monotonic() - created < 5, "worker did not wake for the new job"
        await asyncio.sleep(0.005)
    await worker.stop()
    await task


async def test_heartbeat_keeps_a_long_job_from_being_recovered(queue: JobQueue) -> None:
    settings = WorkerSettings(lease=timedelta(seconds=0.3), heartbeat_interval=0.05, poll_interval=0.05)

    async def long(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        await asyncio.sleep(0.8)
        return RESULT

    await queue.create_job(pending("job-a"))
    worker = RecordingWorker(queue, long, settings)
    task = asyncio.create_task(worker.run_until_idle())
    for _ in range(8):
        await asyncio.sleep(0.1)
        assert await queue.recover_expired() == []
    await task
    done = await queue.get_job("job-a")
    assert isinstance(done, CompleteJob) and done.metadata.retry_count == 0


async def test_job_of_a_dead_worker_is_recovered_and_completed(queue: JobQueue) -> None:
    await queue.create_job(pending("job-a"))
    dead = await queue.claim_next("dead-worker", lease=timedelta(seconds=0.1))
    assert dead is not None
    await asyncio.sleep(0.15)
    worker = RecordingWorker(queue, settings=WorkerSettings(recovery_interval=0.05, poll_interval=0.05))
    await worker.run_until_idle()
    done = await queue.get_job("job-a")
    assert isinstance(done, CompleteJob) and done.metadata.retry_count == 1
    assert worker.log.count(("execute", "job-a")) == 1


async def test_failing_hook_does_not_change_the_outcome(queue: JobQueue) -> None:
    class BrokenHook(RecordingWorker):
        async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
            raise RuntimeError("subscriber down")

    await queue.create_job(pending("job-a"))
    await BrokenHook(queue, settings=FAST).run_until_idle()
    assert isinstance(await queue.get_job("job-a"), CompleteJob)


async def test_starting_twice_is_an_error(queue: JobQueue) -> None:
    worker = RecordingWorker(queue, settings=FAST)
    task = asyncio.create_task(worker.start())
    await asyncio.sleep(0.05)
    with pytest.raises(RuntimeError, match="already running"):
        await worker.start()
    await worker.stop()
    await task


class RecordingStore(InMemoryJobStore):
    """Remembers whether each claim came with a predicate, and how many jobs it asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.predicates: list[bool] = []
        self.limits: list[int] = []

    async def claim_many(self, worker_id: str, lease: timedelta, limit: int, **kwargs: Any) -> Any:
        self.predicates.append(kwargs.get("accept") is not None)
        self.limits.append(limit)
        return await super().claim_many(worker_id, lease, limit, **kwargs)


class TagsOnly(JobWorker):
    job_types = frozenset({"tag-annotation"})

    def worker_name(self) -> str:
        return "tags-only"

    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        return None


async def test_default_filter_is_the_job_types_and_needs_no_predicate() -> None:
    store = RecordingStore()
    queue = JobQueue(store)
    await queue.create_job(pending("job-h", job_type="highlight-annotation"))
    await queue.create_job(pending("job-t", job_type="tag-annotation", offset_seconds=1))
    await TagsOnly(queue, FAST).run_until_idle()
    assert isinstance(await queue.get_job("job-t"), CompleteJob)
    assert isinstance(await queue.get_job("job-h"), PendingJob)
    assert store.predicates and not any(store.predicates)


async def test_an_overridden_filter_is_passed_to_the_store() -> None:
    class Picky(TagsOnly):
        def can_process_job(self, job: PendingJob[Any]) -> bool:
            return job.id != "job-skip"

    store = RecordingStore()
    queue = JobQueue(store)
    await queue.create_job(pending("job-skip", job_type="tag-annotation"))
    await queue.create_job(pending("job-take", job_type="tag-annotation", offset_seconds=1))
    await Picky(queue, FAST).run_until_idle()
    assert isinstance(await queue.get_job("job-take"), CompleteJob)
    assert isinstance(await queue.get_job("job-skip"), PendingJob)
    assert store.predicates and all(store.predicates)


async def test_a_worker_claims_for_all_its_free_slots_in_one_call() -> None:
    store = RecordingStore()
    queue = JobQueue(store)
    for i in range(10):
        await queue.create_job(pending(f"job-{i}", job_type="tag-annotation", offset_seconds=i))
    started: list[int] = []

    class Counting(TagsOnly):
        async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
            started.append(self.running_jobs)
            await asyncio.sleep(0.01)
            return None

    await Counting(queue, attrs.evolve(FAST, concurrency=4)).run_until_idle()
    assert (await queue.get_stats()).complete == 10
    assert store.limits[0] == 4
    assert all(1 <= limit <= 4 for limit in store.limits)
    assert len(store.limits) < 10
    assert max(started) == 4


async def test_log_records_name_the_job_being_worked_on(queue: JobQueue) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(JobIdFilter())
    logger = logging.getLogger("tests.job-context")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    async def work(worker: RecordingWorker, job: RunningJob[Any, Any]) -> Any:
        logger.info("working")
        return RESULT

    try:
        await queue.create_job(pending("job-a"))
        await queue.create_job(pending("job-b", offset_seconds=1))
        await RecordingWorker(queue, work, WorkerSettings(concurrency=2, poll_interval=0.05)).run_until_idle()
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
    assert sorted(r.__dict__["job_id"] for r in records if r.getMessage() == "working") == ["job-a", "job-b"]
    assert [r.__dict__["job_id"] for r in records if r.getMessage() == "outside"] == ["-"]
