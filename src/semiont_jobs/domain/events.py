"""The events workers publish: channel names and payloads, as a Semiont backend reads them.

Payload builders are pure; keys are camelCase exactly as the reference writes
them, and optional values that are absent are left out rather than sent as null.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.jobs import Job
from semiont_jobs.domain.params import GenerationParams
from semiont_jobs.domain.vocabulary import JsonObject

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


def _present(**fields: Any) -> JsonObject:
    return {key: value for key, value in fields.items() if value is not None}


def job_resource_id(job: Job) -> ResourceId:
    """The resource a job's events are about: the source resource for generation jobs."""
    params = job.params
    if isinstance(params, GenerationParams):
        return params.source_resource_id
    resource_id: ResourceId = params.resource_id
    return resource_id


def _job_fields(job: Job) -> JsonObject:
    return {
        "resourceId": job_resource_id(job),
        "userId": job.metadata.user_id,
        "jobId": job.id,
        "jobType": job.type,
    }


def job_queued(job: Job) -> JsonObject:
    """Scoped ``job:queued``: ``job`` waits in the queue."""
    return {"jobId": job.id, "jobType": job.type, "resourceId": job_resource_id(job)}


def job_start(job: Job) -> JsonObject:
    """``job:start``: a worker has begun an attempt at ``job``."""
    return _job_fields(job)


def job_report_progress(job: Job, percentage: float, progress: JsonObject) -> JsonObject:
    """``job:report-progress``: how far ``job`` has got."""
    return {**_job_fields(job), "percentage": percentage, "progress": progress}


def job_complete(job: Job, result: JsonObject) -> JsonObject:
    """``job:complete``: ``job`` finished with ``result``."""
    return {**_job_fields(job), "result": result}


def job_fail(job: Job, error: str) -> JsonObject:
    """``job:fail``: ``job`` failed for good; ``error`` is meant for the user."""
    return {**_job_fields(job), "error": error}


def mark_create(annotation: JsonObject, user_id: str, resource_id: str) -> JsonObject:
    """``mark:create``: store ``annotation`` on ``resource_id`` for ``user_id``."""
    return {"annotation": annotation, "userId": user_id, "resourceId": resource_id}


def link_operation(target_uri: str) -> JsonObject:
    """The body operation that links an annotation to the resource at ``target_uri``."""
    return {"op": "add", "item": {"type": "SpecificResource", "source": target_uri, "purpose": "linking"}}


def mark_update_body(
    annotation_id: str, user_id: str, resource_id: str, operations: Sequence[JsonObject]
) -> JsonObject:
    """``mark:update-body``: apply ``operations`` to an annotation's body."""
    return {
        "annotationId": annotation_id,
        "userId": user_id,
        "resourceId": resource_id,
        "operations": list(operations),
    }


def mark_progress(status: str, percentage: float, message: str | None = None, **extra: Any) -> JsonObject:
    """Scoped ``mark:progress``; ``extra`` keys that are ``None`` are left out."""
    return _present(status=status, message=message, percentage=percentage, **extra)


def yield_progress(
    params: GenerationParams, status: str, percentage: float, message: str | None
) -> JsonObject:
    """Scoped ``yield:progress`` of a generation job with ``params``."""
    return _present(
        status=status,
        referenceId=params.reference_id,
        sourceResourceId=params.source_resource_id,
        percentage=percentage,
        message=message,
    )


def yield_create(
    *,
    request_id: str,
    name: str,
    content: str,
    user_id: str,
    entity_types: Sequence[str],
    language: str | None,
    generated_from: str,
) -> JsonObject:
    """``yield:create``: ask the backend to create a generated draft resource.

    ``requestId`` is ours: the backend echoes it in ``yield:created`` /
    ``yield:create-failed`` so that the reply can be told apart from replies to others.
    """
    return _present(
        requestId=request_id,
        name=name,
        content=content,
        format=GENERATED_FORMAT,
        userId=user_id,
        entityTypes=list(entity_types),
        language=language,
        creationMethod=CREATION_METHOD_GENERATED,
        isDraft=True,
        generatedFrom=generated_from,
    )
