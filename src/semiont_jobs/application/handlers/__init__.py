"""The six Semiont job handlers (five that annotate a resource, one that generates a new resource),
and the listener that publishes the lifecycle events a Semiont backend follows."""

from semiont_jobs.application.handlers.analysis import (
    AnalysisHandler,
    AssessmentAnnotationHandler,
    CommentAnnotationHandler,
    HighlightAnnotationHandler,
)
from semiont_jobs.application.handlers.annotation_publisher import (
    ANNOTATION_ID_LENGTH,
    AnnotationPublisher,
    new_annotation_id,
)
from semiont_jobs.application.handlers.backend_settings import PUBLIC_URL_SETTING, BackendSettings
from semiont_jobs.application.handlers.errors import (
    EmptyGenerationError,
    InvalidCreationReplyError,
    MissingGenerationContextError,
    ResourceCreationFailedError,
    ResourceCreationTimeoutError,
    WorkerError,
)
from semiont_jobs.application.handlers.generation import (
    CREATION_TIMEOUT_SETTING,
    DEFAULT_CREATION_TIMEOUT,
    GenerationHandler,
)
from semiont_jobs.application.handlers.generation_prompt import (
    build_generation_prompt,
    language_name,
    strip_code_fences,
)
from semiont_jobs.application.handlers.lifecycle_events import SUBJECTS, SemiontEvents, progress_messages
from semiont_jobs.application.handlers.reference import ReferenceAnnotationHandler
from semiont_jobs.application.handlers.resource_request import request_resource
from semiont_jobs.application.handlers.semiont_worker import SemiontHandler, semiont_worker, semiont_workers
from semiont_jobs.application.handlers.tag import TagAnnotationHandler

__all__ = [
    "ANNOTATION_ID_LENGTH",
    "CREATION_TIMEOUT_SETTING",
    "DEFAULT_CREATION_TIMEOUT",
    "PUBLIC_URL_SETTING",
    "SUBJECTS",
    "AnalysisHandler",
    "AnnotationPublisher",
    "AssessmentAnnotationHandler",
    "BackendSettings",
    "CommentAnnotationHandler",
    "EmptyGenerationError",
    "GenerationHandler",
    "HighlightAnnotationHandler",
    "InvalidCreationReplyError",
    "MissingGenerationContextError",
    "ReferenceAnnotationHandler",
    "ResourceCreationFailedError",
    "ResourceCreationTimeoutError",
    "SemiontEvents",
    "SemiontHandler",
    "TagAnnotationHandler",
    "WorkerError",
    "build_generation_prompt",
    "language_name",
    "new_annotation_id",
    "progress_messages",
    "request_resource",
    "semiont_worker",
    "semiont_workers",
    "strip_code_fences",
]
