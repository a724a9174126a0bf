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
    UniqueKeyContendedError,
)
from semiont_jobs.ports.event_bus import Event, EventBus, EventHandler, Subscription
from semiont_jobs.ports.inference_client import (
    InferenceClient,
    InferenceResponse,
    ModelLimits,
    ReplyFormat,
    StopReason,
)
from semiont_jobs.ports.job_metrics import NO_METRICS, AttemptOutcome, JobMetrics, NoMetrics
from semiont_jobs.ports.job_store import Claim, JobFilter, JobStore
from semiont_jobs.ports.model_calls import NO_MODEL_CALL_OBSERVER, ModelCall, ModelCallObserver
from semiont_jobs.ports.status_server import HealthCheck, HealthReport, StatusServer
from semiont_jobs.ports.tracer import NO_TRACER, NoTracer, Span, Tracer

__all__ = [
    "NO_METRICS",
    "NO_MODEL_CALL_OBSERVER",
    "NO_TRACER",
    "AttemptOutcome",
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
    "HealthCheck",
    "HealthReport",
    "InferenceTimeoutError",
    "InferenceResponse",
    "JobAlreadyExistsError",
    "ModelLimits",
    "ReplyFormat",
    "JobFilter",
    "JobMetrics",
    "JobNotFoundError",
    "JobStateConflictError",
    "JobStore",
    "JobStoreError",
    "LeaseLostError",
    "ModelCall",
    "ModelCallObserver",
    "NoMetrics",
    "NoTracer",
    "ResourceNotFoundError",
    "Span",
    "StatusServer",
    "StopReason",
    "StoreUnavailableError",
    "UniqueKeyContendedError",
    "Subscription",
    "Tracer",
]
