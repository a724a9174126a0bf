"""The ports: what the application needs from the outside world, as protocols."""

from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.errors import (
    ConfigurationError,
    ContentError,
    ContextLengthExceededError,
    EventBusError,
    InferenceError,
    InferenceTimeoutError,
    JobAlreadyExistsError,
    JobNotFoundError,
    JobStateConflictError,
    JobStoreError,
    LeaseLostError,
    ResourceNotFoundError,
    StoreUnavailableError,
)
from semiont_jobs.ports.event_bus import Event, EventBus, EventHandler, Subscription
from semiont_jobs.ports.inference_client import (
    InferenceClient,
    InferenceResponse,
    ModelLimits,
    ReplyFormat,
    StopReason,
)
from semiont_jobs.ports.job_store import Claim, JobFilter, JobStore

__all__ = [
    "ConfigurationError",
    "Claim",
    "ContentError",
    "ContextLengthExceededError",
    "ContentFetcher",
    "Event",
    "EventBus",
    "EventBusError",
    "EventHandler",
    "InferenceClient",
    "InferenceError",
    "InferenceTimeoutError",
    "InferenceResponse",
    "JobAlreadyExistsError",
    "ModelLimits",
    "ReplyFormat",
    "JobFilter",
    "JobNotFoundError",
    "JobStateConflictError",
    "JobStore",
    "JobStoreError",
    "LeaseLostError",
    "ResourceNotFoundError",
    "StopReason",
    "StoreUnavailableError",
    "Subscription",
]
