"""The base of Semiont's workers: one job type, and the lifecycle events a backend follows."""

from __future__ import annotations

import abc
import logging
from typing import Any, ClassVar, TypeVar

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.application.workers.backend_settings import BackendSettings
from semiont_jobs.codec import unstructure
from semiont_jobs.domain import events
from semiont_jobs.domain.jobs import CompleteJob, FailedJob, RunningJob
from semiont_jobs.domain.vocabulary import JobType, JsonObject
from semiont_jobs.ports.event_bus import EventBus

log = logging.getLogger("semiont_jobs.workers")

T = TypeVar("T")


def typed(value: object, expected: type[T], what: str) -> T:
    """``value`` as an instance of ``expected``; ``TypeError`` naming ``what`` otherwise."""
    if not isinstance(value, expected):
        raise TypeError(f"{what} is {type(value).__name__}, expected {expected.__name__}")
    return value


class EventPublishingWorker(JobWorker):
    """A worker for one job type that tells the event bus how each of its jobs goes.

    Per attempt: ``job:start`` once when the job is claimed; for every stored
    progress report ``job:report-progress`` and the scoped progress event of
    :meth:`publish_progress`; ``job:complete`` once the job is stored as complete.
    A job that fails for good gets exactly one ``job:fail`` with a message for
    the user; an attempt that will be retried publishes nothing final.
    """

    job_type: ClassVar[JobType]
    subject: ClassVar[str]
    """What the job does, for the user: ``"Highlight detection"``."""

    def __init__(
        self,
        queue: JobQueue,
        event_bus: EventBus,
        backend: BackendSettings,
        settings: WorkerSettings | None = None,
    ) -> None:
        super().__init__(queue, settings)
        self.event_bus = event_bus
        self.backend = backend

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "job_type" in cls.__dict__:
            cls.job_types = frozenset({cls.job_type})

    def worker_name(self) -> str:
        return type(self).__name__

    @abc.abstractmethod
    async def publish_progress(self, job: RunningJob[Any, Any]) -> None:
        """Publish the events of ``job``'s newly stored progress."""

    def completion_result(self, job: CompleteJob[Any, Any]) -> JsonObject:
        """The ``result`` of ``job:complete``: the job's result wrapped as the reference wraps it."""
        return {"result": unstructure(job.result)}

    def failure_message(self, job: FailedJob[Any]) -> str:
        """The ``error`` of ``job:fail``, for the user."""
        return f"{self.subject} failed: {job.error}"

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        await self.event_bus.publish(events.JOB_START, events.job_start(job))

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        await self.publish_progress(job)

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        await self.event_bus.publish(
            events.JOB_COMPLETE, events.job_complete(job, self.completion_result(job))
        )

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        await self.event_bus.publish(events.JOB_FAIL, events.job_fail(job, self.failure_message(job)))

    async def publish_scoped(self, job: RunningJob[Any, Any], channel: str, payload: JsonObject) -> None:
        """Publish on the bus of the job's resource."""
        await self.event_bus.scope(events.job_resource_id(job)).publish(channel, payload)

    async def publish_job_progress(
        self, job: RunningJob[Any, Any], percentage: float, progress: JsonObject
    ) -> None:
        await self.event_bus.publish(
            events.JOB_REPORT_PROGRESS, events.job_report_progress(job, percentage, progress)
        )
