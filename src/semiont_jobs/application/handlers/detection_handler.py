"""What the five detection handlers share: a model to ask, resources to read, annotations to publish."""

from __future__ import annotations

from semiont_jobs.application.handlers.annotation_publisher import AnnotationPublisher
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.inference_client import InferenceClient


class DetectionHandler:
    """The collaborators of a handler that annotates a resource from what a model found in it."""

    def __init__(
        self, inference: InferenceClient, content: ContentFetcher, annotations: AnnotationPublisher
    ) -> None:
        self.inference = inference
        self.content = content
        self.annotations = annotations
