"""Application services: the queue, the worker runtime and the annotation workers."""

from semiont_jobs.application.job_context import JobIdFilter, current_job_id
from semiont_jobs.application.job_queue import JobQueue, new_job_id
from semiont_jobs.application.job_worker import JobCancelledError, JobWorker
from semiont_jobs.application.retry_policy import NO_BACKOFF, RetryPolicy
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.events import JOB_QUEUED

__all__ = [
    "JOB_QUEUED",
    "NO_BACKOFF",
    "JobCancelledError",
    "JobIdFilter",
    "JobQueue",
    "JobWorker",
    "RetryPolicy",
    "WorkerSettings",
    "current_job_id",
    "new_job_id",
]
