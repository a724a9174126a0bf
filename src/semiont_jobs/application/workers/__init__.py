"""The six Semiont workers: five that annotate a resource, one that generates a new resource."""

from semiont_jobs.application.workers.analysis_worker import AnalysisWorker
from semiont_jobs.application.workers.annotation_factory import (
    ANNOTATION_ID_LENGTH,
    AnnotationFactory,
    new_annotation_id,
)
from semiont_jobs.application.workers.annotation_worker import AnnotationWorker
from semiont_jobs.application.workers.assessment_worker import AssessmentAnnotationWorker
from semiont_jobs.application.workers.backend_settings import PUBLIC_URL_SETTING, BackendSettings
from semiont_jobs.application.workers.comment_worker import CommentAnnotationWorker
from semiont_jobs.application.workers.errors import (
    EmptyGenerationError,
    InvalidCreationReplyError,
    MissingGenerationContextError,
    ResourceCreationFailedError,
    ResourceCreationTimeoutError,
    WorkerError,
)
from semiont_jobs.application.workers.event_worker import EventPublishingWorker
from semiont_jobs.application.workers.generation_prompt import (
    build_generation_prompt,
    language_name,
    strip_code_fences,
)
from semiont_jobs.application.workers.generation_worker import (
    CREATION_TIMEOUT_SETTING,
    DEFAULT_CREATION_TIMEOUT,
    GenerationWorker,
)
from semiont_jobs.application.workers.highlight_worker import HighlightAnnotationWorker
from semiont_jobs.application.workers.reference_worker import ReferenceAnnotationWorker
from semiont_jobs.application.workers.resource_request import request_resource
from semiont_jobs.application.workers.tag_worker import TagAnnotationWorker

__all__ = [
    "ANNOTATION_ID_LENGTH",
    "CREATION_TIMEOUT_SETTING",
    "DEFAULT_CREATION_TIMEOUT",
    "PUBLIC_URL_SETTING",
    "AnalysisWorker",
    "AnnotationFactory",
    "AnnotationWorker",
    "AssessmentAnnotationWorker",
    "BackendSettings",
    "CommentAnnotationWorker",
    "EmptyGenerationError",
    "EventPublishingWorker",
    "GenerationWorker",
    "HighlightAnnotationWorker",
    "InvalidCreationReplyError",
    "MissingGenerationContextError",
    "ReferenceAnnotationWorker",
    "ResourceCreationFailedError",
    "ResourceCreationTimeoutError",
    "TagAnnotationWorker",
    "WorkerError",
    "build_generation_prompt",
    "language_name",
    "new_annotation_id",
    "request_resource",
    "strip_code_fences",
]
