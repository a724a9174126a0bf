"""Application services: the queue, the worker runtime, the handlers it runs and the listeners it tells."""

from semiont_jobs.application.job_context import JobCancelledError, JobContext, JobTimedOutError
from semiont_jobs.application.job_handler import JobHandler, JobListener, QuietListener
from semiont_jobs.application.job_logging import JobIdFilter, current_job_id
from semiont_jobs.application.job_queue import JobQueue, new_job_id
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.application.retry_policy import NO_BACKOFF, RetryPolicy
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.events import JOB_QUEUED

__all__ = [
    "JOB_QUEUED",
    "NO_BACKOFF",
    "JobCancelledError",
    "JobContext",
    "JobHandler",
    "JobIdFilter",
    "JobListener",
    "JobQueue",
    "JobTimedOutError",
    "JobWorker",
    "QuietListener",
    "RetryPolicy",
    "WorkerSettings",
    "current_job_id",
    "new_job_id",
]
