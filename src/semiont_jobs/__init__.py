"""semiont-jobs: job queue, worker runtime and LLM annotation workers for Semiont.

What a user needs is exported here (see ``__all__``); everything else is importable
from its own module (``semiont_jobs.domain``, ``semiont_jobs.ports``,
``semiont_jobs.application``, ``semiont_jobs.adapters.<technology>``, ...).
Importing the package loads none of psycopg, httpx, a model provider's SDK, prometheus_client or
OpenTelemetry.
"""

from semiont_jobs.adapters.filesystem import (
    FilesystemEventBus,
    FilesystemJobStore,
)
from semiont_jobs.adapters.memory import (
    InMemoryEventBus,
    InMemoryJobStore,
    ScriptedInferenceClient,
)
from semiont_jobs.application.job_context import JobCancelledError, JobContext
from semiont_jobs.application.job_handler import JobHandler, JobListener, QuietListener
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.application.retry_policy import RetryPolicy
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.codec import job_from_dict, job_from_json, job_to_dict, job_to_json
from semiont_jobs.container import Container
from semiont_jobs.domain.agent import JobUser
from semiont_jobs.domain.errors import InvalidJobError, InvalidJobIdError, SemiontJobsError
from semiont_jobs.domain.ids import JobId, ResourceId, UserId
from semiont_jobs.domain.jobs import CancelledJob, CompleteJob, FailedJob, Job, PendingJob, RunningJob
from semiont_jobs.domain.params import (
    AssessmentDetectionParams,
    CommentDetectionParams,
    DetectionParams,
    GenerationParams,
    HighlightDetectionParams,
    TagDetectionParams,
)
from semiont_jobs.domain.results import (
    AssessmentDetectionResult,
    CommentDetectionResult,
    DetectionResult,
    GenerationResult,
    HighlightDetectionResult,
    TagDetectionResult,
)
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.errors import (
    ConfigurationError,
    InferenceError,
    ResourceNotFoundError,
    StoreUnavailableError,
)
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient
from semiont_jobs.ports.job_store import JobStore

__version__ = "0.1.0"

__all__ = [
    # composition
    "Container",
    # the queue, the worker runtime, and what it runs and tells
    "JobQueue",
    "JobWorker",
    "JobHandler",
    "JobContext",
    "JobListener",
    "QuietListener",
    "RetryPolicy",
    "WorkerSettings",
    # job states
    "CancelledJob",
    "CompleteJob",
    "FailedJob",
    "Job",
    "PendingJob",
    "RunningJob",
    # the six job types: params, progress reports, results
    "AssessmentDetectionParams",
    "AssessmentDetectionResult",
    "CommentDetectionParams",
    "CommentDetectionResult",
    "DetectionParams",
    "DetectionResult",
    "GenerationParams",
    "GenerationResult",
    "HighlightDetectionParams",
    "HighlightDetectionResult",
    "TagDetectionParams",
    "TagDetectionResult",
    # ids and users
    "JobId",
    "JobUser",
    "ResourceId",
    "UserId",
    # ports
    "ContentFetcher",
    "EventBus",
    "InferenceClient",
    "JobStore",
    # errors a user catches
    "ConfigurationError",
    "InferenceError",
    "InvalidJobError",
    "InvalidJobIdError",
    "JobCancelledError",
    "ResourceNotFoundError",
    "SemiontJobsError",
    "StoreUnavailableError",
    # adapters that need nothing installed or running
    "FilesystemEventBus",
    "FilesystemJobStore",
    "InMemoryEventBus",
    "InMemoryJobStore",
    "ScriptedInferenceClient",
    # the wire format
    "job_from_dict",
    "job_from_json",
    "job_to_dict",
    "job_to_json",
]
