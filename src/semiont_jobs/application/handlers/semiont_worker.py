"""A worker runtime for one Semiont handler, publishing the lifecycle events a backend follows."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, ClassVar, Protocol

from semiont_jobs.application.handlers.backend_settings import BackendSettings
from semiont_jobs.application.handlers.lifecycle_events import SemiontEvents
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.application.job_handler import JobListener
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.job_metrics import NO_METRICS, JobMetrics


class SemiontHandler(Protocol):
    """A handler that names the one job type it runs."""

    job_type: ClassVar[JobType]

    def __call__(self, job: RunningJob[Any, Any], context: JobContext[Any, Any], /) -> Awaitable[Any]: ...


def semiont_worker(
    queue: JobQueue,
    handler: SemiontHandler,
    event_bus: EventBus,
    backend: BackendSettings,
    settings: WorkerSettings | None = None,
    listeners: tuple[JobListener, ...] = (),
    metrics: JobMetrics = NO_METRICS,
) -> JobWorker:
    """A :class:`JobWorker` running ``handler``'s jobs, with :class:`SemiontEvents` on ``event_bus``."""
    return JobWorker(
        queue,
        {handler.job_type: handler},
        settings,
        [SemiontEvents(event_bus, backend), *listeners],
        name=handler.job_type,
        metrics=metrics,
    )


def semiont_workers(
    queue: JobQueue,
    handlers: list[SemiontHandler],
    event_bus: EventBus,
    backend: BackendSettings,
    settings: WorkerSettings | None = None,
    metrics: JobMetrics = NO_METRICS,
) -> list[JobWorker]:
    """One worker runtime per handler, each publishing the Semiont lifecycle events."""
    return [
        semiont_worker(queue, handler, event_bus, backend, settings, metrics=metrics) for handler in handlers
    ]
