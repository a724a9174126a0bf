"""The job state machine: legal moves return new states, illegal ones raise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from semiont_jobs import (
    CancelledJob,
    CommentDetectionParams,
    CompleteJob,
    FailedJob,
    HighlightDetectionResult,
    PendingJob,
    ResourceId,
    RunningJob,
)
from semiont_jobs.domain import DomainError, IllegalTransitionError, JobMetadata
from semiont_jobs.domain.jobs import LOST_WORKER_ERROR
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.testing.jobs import BASE_TIME, pending

T1 = BASE_TIME + timedelta(seconds=5)
T2 = BASE_TIME + timedelta(seconds=9)


def running() -> RunningJob[object, object]:
    return pending().start(T1)


def test_start_makes_a_running_job_without_progress() -> None:
    job = pending()
    started = job.start(T1)
    assert isinstance(started, RunningJob)
    assert (started.metadata, started.params, started.started_at, started.progress) == (
        job.metadata,
        job.params,
        T1,
        None,
    )
    assert isinstance(job, PendingJob)


def test_progress_returns_a_new_job_and_leaves_the_old_one() -> None:
    job = running()
    progress = AnalysisProgress(stage="analyzing", percentage=10)
    updated = job.report_progress(progress)
    assert updated.progress == progress and job.progress is None


def test_complete_keeps_start_time_and_result() -> None:
    result = HighlightDetectionResult(highlights_found=3, highlights_created=2)
    done = running().complete(result, T2)
    assert isinstance(done, CompleteJob)
    assert (done.started_at, done.completed_at, done.result) == (T1, T2, result)


def test_record_failure_retries_while_retries_are_left_then_fails() -> None:
    job = pending(max_retries=3).start(T1)
    first = job.record_failure("boom", T2, run_after=T2 + timedelta(seconds=2))
    assert isinstance(first, PendingJob)
    assert (first.metadata.retry_count, first.last_error, first.run_after) == (
        1,
        "boom",
        T2 + timedelta(seconds=2),
    )
    second = first.start(T2).record_failure("boom", T2)
    assert isinstance(second, PendingJob) and second.metadata.retry_count == 2
    third = second.start(T2).record_failure("final", T2)
    assert isinstance(third, FailedJob)
    assert (third.metadata.retry_count, third.error, third.started_at, third.completed_at) == (
        3,
        "final",
        T2,
        T2,
    )


def test_retry_without_retries_left_is_illegal() -> None:
    with pytest.raises(IllegalTransitionError):
        pending(max_retries=1).start(T1).retry("boom")


def test_release_hands_back_without_counting_an_attempt() -> None:
    released = running().release()
    assert isinstance(released, PendingJob) and released.metadata.retry_count == 0


def test_cancel_from_pending_and_running() -> None:
    from_pending = pending().cancel(T2)
    assert isinstance(from_pending, CancelledJob) and from_pending.started_at is None
    from_running = running().cancel(T2)
    assert from_running.started_at == T1 and from_running.completed_at == T2


@pytest.mark.parametrize(
    ("make", "move"),
    [
        (pending, "complete"),
        (pending, "fail"),
        (pending, "report_progress"),
        (running, "start"),
        (lambda: running().complete(None, T2), "cancel"),
        (lambda: running().fail("x", T2), "cancel"),
        (lambda: running().complete(None, T2), "requeue"),
        (pending, "retry"),
    ],
)
def test_a_state_offers_no_illegal_move(make: object, move: str) -> None:
    """Each state class has only its legal moves, so an illegal one cannot be written (mypy) or run."""
    job = make()  # type: ignore[operator]
    assert not hasattr(job, move)
    with pytest.raises(AttributeError):
        getattr(job, move)


def test_requeue_resets_retries() -> None:
    failed = pending(retry_count=2).start(T1).fail("x", T2)
    again = failed.requeue()
    assert isinstance(again, PendingJob) and again.metadata.retry_count == 0


def test_params_must_match_the_job_type() -> None:
    with pytest.raises(DomainError, match="HighlightDetectionParams"):
        PendingJob(
            metadata=pending().metadata,
            params=CommentDetectionParams(resource_id=ResourceId("r")),
        )


def test_times_are_kept_in_utc_to_the_millisecond() -> None:
    local = datetime(2026, 1, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    job = pending(created=local)
    assert job.metadata.created == datetime(2026, 1, 1, 8, 0, 0, 123000, tzinfo=UTC)


def test_naive_times_are_rejected() -> None:
    with pytest.raises(DomainError, match="no time zone"):
        pending(created=datetime(2026, 1, 1))


def test_negative_retry_counts_are_rejected() -> None:
    with pytest.raises(DomainError, match="retry_count"):
        attrs.evolve(pending().metadata, retry_count=-1)


def test_due_time() -> None:
    job = pending(run_after=T1)
    assert not job.is_due(BASE_TIME) and job.is_due(T1)
    assert pending().is_due(BASE_TIME)


def test_metadata_retries_left() -> None:
    meta: JobMetadata = pending(max_retries=2).metadata
    assert meta.retries_left
    assert not attrs.evolve(meta, retry_count=1).retries_left


def test_abandon_counts_the_lost_attempt_with_its_reason() -> None:
    retried = pending(max_retries=2).start(T1).abandon(T2)
    assert isinstance(retried, PendingJob)
    assert (retried.metadata.retry_count, retried.last_error) == (1, LOST_WORKER_ERROR)
    failed = pending(max_retries=1).start(T1).abandon(T2)
    assert isinstance(failed, FailedJob) and failed.error == LOST_WORKER_ERROR
