"""What the five detection handlers share: a model to ask, resources to read, annotations to publish."""

from __future__ import annotations

from typing import Any

from semiont_jobs.application.detection import DetectionSettings, DetectionStats
from semiont_jobs.application.handlers.annotation_publisher import AnnotationPublisher
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.inference_client import InferenceClient


class DetectionHandler:
    """The collaborators of a handler that annotates a resource from what a model found in it."""

    def __init__(
        self,
        inference: InferenceClient,
        content: ContentFetcher,
        annotations: AnnotationPublisher,
        settings: DetectionSettings | None = None,
    ) -> None:
        self.inference = inference
        self.content = content
        self.annotations = annotations
        self.settings = settings or DetectionSettings()


def log_costs(context: JobContext[Any, Any], stats: DetectionStats) -> None:
    """One line at the end of a job: the model calls, chunks and tokens it spent."""
    context.log.info("job %s: %s", context.job.id, stats.summary())
