"""The events workers publish: channel names and their messages, as a Semiont backend reads them.

Each message is a frozen value whose class names its channel. Its JSON payload
(camelCase keys in the reference's order, absent optionals left out) is written
at the edge, by the event bus adapter, with the codec's converter.
"""

from __future__ import annotations

from typing import ClassVar, Final, TypedDict

import attrs

from semiont_jobs.domain.annotations import Annotation, SpecificResource
from semiont_jobs.domain.ids import JobId, ResourceId, UserId
from semiont_jobs.domain.jobs import Job
from semiont_jobs.domain.params import GenerationParams
from semiont_jobs.domain.progress import AnalysisProgress, TagDetectionProgress
from semiont_jobs.domain.results import JobResult
from semiont_jobs.domain.vocabulary import JobType, JsonObject

JOB_QUEUED: Final = "job:queued"
"""Scoped to the job's resource; published when a job is created."""
JOB_START: Final = "job:start"
JOB_REPORT_PROGRESS: Final = "job:report-progress"
JOB_COMPLETE: Final = "job:complete"
JOB_FAIL: Final = "job:fail"
MARK_CREATE: Final = "mark:create"
MARK_UPDATE_BODY: Final = "mark:update-body"
MARK_PROGRESS: Final = "mark:progress"
"""Scoped to the annotated resource."""
YIELD_CREATE: Final = "yield:create"
YIELD_CREATED: Final = "yield:created"
YIELD_CREATE_FAILED: Final = "yield:create-failed"
YIELD_PROGRESS: Final = "yield:progress"
"""Scoped to the generation job's source resource."""

GENERATED_FORMAT: Final = "text/markdown"
CREATION_METHOD_GENERATED: Final = "generated"


def job_resource_id(job: Job) -> ResourceId:
    """The resource a job's events are about: the source resource for generation jobs."""
    params = job.params
    if isinstance(params, GenerationParams):
        return params.source_resource_id
    resource_id: ResourceId = params.resource_id
    return resource_id


@attrs.frozen(kw_only=True)
class JsonMessage:
    """A message given as its channel and JSON payload, for channels this package does not model."""

    channel: str
    payload: JsonObject


@attrs.frozen(kw_only=True)
class JobQueuedMessage:
    """Scoped ``job:queued``: a job waits in the queue."""

    channel: ClassVar[str] = JOB_QUEUED
    job_id: JobId
    job_type: JobType
    resource_id: ResourceId

    @classmethod
    def of(cls, job: Job) -> JobQueuedMessage:
        return cls(job_id=job.id, job_type=job.type, resource_id=job_resource_id(job))


@attrs.frozen(kw_only=True)
class _JobMessage:
    resource_id: ResourceId
    user_id: UserId
    job_id: JobId
    job_type: JobType


class JobFields(TypedDict):
    resource_id: ResourceId
    user_id: UserId
    job_id: JobId
    job_type: JobType


def job_fields(job: Job) -> JobFields:
    """The fields every ``job:*`` lifecycle message starts with, as keyword arguments."""
    return JobFields(
        resource_id=job_resource_id(job), user_id=job.metadata.user_id, job_id=job.id, job_type=job.type
    )


@attrs.frozen(kw_only=True)
class JobStartMessage(_JobMessage):
    """``job:start``: a worker has begun an attempt at a job."""

    channel: ClassVar[str] = JOB_START


@attrs.frozen(kw_only=True)
class WrappedProgress:
    """A progress report sent whole, as ``{"progress": {...}}``."""

    progress: AnalysisProgress | TagDetectionProgress


@attrs.frozen(kw_only=True)
class ProgressSteps:
    """A progress report told in steps."""

    current_step: str | None = None
    processed_steps: int | None = None
    total_steps: int | None = None
    found_count: int | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
class JobReportProgressMessage(_JobMessage):
    """``job:report-progress``: how far a job has got."""

    channel: ClassVar[str] = JOB_REPORT_PROGRESS
    percentage: float
    progress: WrappedProgress | ProgressSteps


@attrs.frozen(kw_only=True)
class WrappedResult:
    """A detection job's result, sent as ``{"result": {...}}``."""

    result: JobResult | None


@attrs.frozen(kw_only=True)
class GenerationOutcome:
    """A generation job's result: the new resource and the annotation now linked to it."""

    result_resource_id: ResourceId
    annotation_uri: str


@attrs.frozen(kw_only=True)
class JobCompleteMessage(_JobMessage):
    """``job:complete``: a job finished with ``result``."""

    channel: ClassVar[str] = JOB_COMPLETE
    result: WrappedResult | GenerationOutcome


@attrs.frozen(kw_only=True)
class JobFailMessage(_JobMessage):
    """``job:fail``: a job failed for good; ``error`` is meant for the user."""

    channel: ClassVar[str] = JOB_FAIL
    error: str


@attrs.frozen(kw_only=True)
class MarkCreateMessage:
    """``mark:create``: store ``annotation`` on ``resource_id`` for ``user_id``."""

    channel: ClassVar[str] = MARK_CREATE
    annotation: Annotation
    user_id: UserId
    resource_id: ResourceId


@attrs.frozen(kw_only=True)
class BodyOperation:
    """One change to an annotation's body: ``op`` (``"add"``) of ``item``."""

    op: str
    item: SpecificResource


def link_operation(target_uri: str) -> BodyOperation:
    """The body operation that links an annotation to the resource at ``target_uri``."""
    return BodyOperation(op="add", item=SpecificResource(source=target_uri, purpose="linking"))


@attrs.frozen(kw_only=True)
class MarkUpdateBodyMessage:
    """``mark:update-body``: apply ``operations`` to an annotation's body."""

    channel: ClassVar[str] = MARK_UPDATE_BODY
    annotation_id: str
    user_id: UserId
    resource_id: ResourceId
    operations: tuple[BodyOperation, ...]


@attrs.frozen(kw_only=True)
class MarkProgressMessage:
    """Scoped ``mark:progress`` of a detection job."""

    channel: ClassVar[str] = MARK_PROGRESS
    status: str
    message: str | None = None
    percentage: float
    current_entity_type: str | None = None
    current_category: str | None = None
    processed_categories: int | None = None
    total_categories: int | None = None


@attrs.frozen(kw_only=True)
class YieldProgressMessage:
    """Scoped ``yield:progress`` of a generation job."""

    channel: ClassVar[str] = YIELD_PROGRESS
    status: str
    reference_id: str
    source_resource_id: ResourceId
    percentage: float
    message: str | None = None


@attrs.frozen(kw_only=True)
class YieldCreateMessage:
    """``yield:create``: ask the backend to create a generated draft resource.

    ``request_id`` is ours: the backend echoes it in ``yield:created`` /
    ``yield:create-failed`` so that the reply can be told apart from replies to others.
    """

    channel: ClassVar[str] = YIELD_CREATE
    request_id: str
    name: str
    content: str
    format: str = GENERATED_FORMAT
    user_id: UserId
    entity_types: tuple[str, ...]
    language: str | None = None
    creation_method: str = CREATION_METHOD_GENERATED
    is_draft: bool = True
    generated_from: str


@attrs.frozen(kw_only=True)
class YieldCreatedMessage:
    """``yield:created``: the backend created the resource ``resource_id`` for ``request_id``."""

    channel: ClassVar[str] = YIELD_CREATED
    resource_id: ResourceId
    request_id: str


@attrs.frozen(kw_only=True)
class YieldCreateFailedMessage:
    """``yield:create-failed``: the backend could not create the resource asked for by ``request_id``."""

    channel: ClassVar[str] = YIELD_CREATE_FAILED
    error: str
    request_id: str


EventMessage = (
    JsonMessage
    | JobQueuedMessage
    | JobStartMessage
    | JobReportProgressMessage
    | JobCompleteMessage
    | JobFailMessage
    | MarkCreateMessage
    | MarkUpdateBodyMessage
    | MarkProgressMessage
    | YieldProgressMessage
    | YieldCreateMessage
    | YieldCreatedMessage
    | YieldCreateFailedMessage
)
"""Every message an event bus publishes."""
