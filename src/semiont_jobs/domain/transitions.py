"""The moves of a job as functions over any state.

Each checks that the job is in a state that allows the move and raises
:class:`IllegalTransitionError` otherwise; the state classes' own methods are
the typed form of the same moves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from semiont_jobs.domain.errors import IllegalTransitionError
from semiont_jobs.domain.jobs import (
    CancelledJob,
    CompleteJob,
    FailedJob,
    Job,
    PendingJob,
    RunningJob,
)


def _running(job: Job, action: str) -> RunningJob[Any, Any]:
    if not isinstance(job, RunningJob):
        raise IllegalTransitionError(job.id, job.status, action)
    return job


def start(job: Job, at: datetime) -> RunningJob[Any, Any]:
    if not isinstance(job, PendingJob):
        raise IllegalTransitionError(job.id, job.status, "start")
    return job.start(at)


def report_progress(job: Job, progress: Any) -> RunningJob[Any, Any]:
    return _running(job, "report progress on").report_progress(progress)


def complete(job: Job, result: Any, at: datetime) -> CompleteJob[Any, Any]:
    return _running(job, "complete").complete(result, at)


def fail(job: Job, error: str, at: datetime) -> FailedJob[Any]:
    return _running(job, "fail").fail(error, at)


def retry(job: Job, error: str, run_after: datetime | None = None) -> PendingJob[Any]:
    return _running(job, "retry").retry(error, run_after)


def cancel(job: Job, at: datetime) -> CancelledJob[Any]:
    """Cancel a pending or running job."""
    if not isinstance(job, PendingJob | RunningJob):
        raise IllegalTransitionError(job.id, job.status, "cancel")
    return job.cancel(at)


def requeue(job: Job) -> PendingJob[Any]:
    """Put a failed or cancelled job back in the queue with its retries reset."""
    if not isinstance(job, FailedJob | CancelledJob):
        raise IllegalTransitionError(job.id, job.status, "requeue")
    return job.requeue()
