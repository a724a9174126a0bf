"""The base of the five detection workers: read the resource, publish one annotation per match."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from semiont_jobs.application.detection import AnchoredMatch, fetch_content
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.application.workers.annotation_factory import AnnotationFactory, new_annotation_id
from semiont_jobs.application.workers.backend_settings import BackendSettings
from semiont_jobs.application.workers.event_worker import EventPublishingWorker
from semiont_jobs.domain import events
from semiont_jobs.domain.errors import SemiontJobsError
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient

log = logging.getLogger("semiont_jobs.workers")


class AnnotationWorker(EventPublishingWorker):
    """A worker that annotates a resource from what a model found in it.

    Each annotation is published as ``mark:create``; one that cannot be built or
    published is logged and counted as not created, and the job goes on.
    """

    def __init__(
        self,
        queue: JobQueue,
        event_bus: EventBus,
        inference: InferenceClient,
        content: ContentFetcher,
        backend: BackendSettings,
        settings: WorkerSettings | None = None,
        *,
        new_id: Callable[[], str] = new_annotation_id,
    ) -> None:
        super().__init__(queue, event_bus, backend, settings)
        self.inference = inference
        self.content = content
        self.annotations = AnnotationFactory(backend, queue.clock, new_id)

    async def fetch_text(self, job: RunningJob[Any, Any]) -> str:
        """The text of the job's resource (errors name the resource)."""
        return await fetch_content(self.content, job.params.resource_id)

    async def create_annotation(
        self,
        job: RunningJob[Any, Any],
        match: AnchoredMatch,
        motivation: str,
        body: JsonObject | list[JsonObject],
    ) -> bool:
        """Build and publish one annotation; ``False`` when that failed (logged)."""
        try:
            annotation = self.annotations.annotate(job, match, motivation, body)
            payload = events.mark_create(annotation, job.metadata.user_id, job.params.resource_id)
            await self.event_bus.publish(events.MARK_CREATE, payload)
        except SemiontJobsError:
            log.exception(
                "could not create a %s annotation at %d-%d",
                motivation,
                match.start,
                match.end,
                extra={"worker": self.worker_name(), "job_id": job.id},
            )
            return False
        return True
