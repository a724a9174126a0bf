"""Builders of jobs for tests: a pending job of any type, with typical params."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from semiont_jobs import HighlightDetectionParams, JobId, PendingJob, ResourceId, UserId
from semiont_jobs.domain import JobMetadata, JobType
from semiont_jobs.domain.catalog import JOB_KINDS
from semiont_jobs.domain.params import (
    AssessmentDetectionParams,
    CommentDetectionParams,
    DetectionParams,
    GenerationContext,
    GenerationParams,
    SourceContext,
    TagDetectionParams,
)

BASE_TIME = datetime(2026, 11, 28, 9, 0, 0, tzinfo=UTC)


def sample_params(job_type: JobType, resource: str = "res-1") -> Any:
    """Typical params of each job type."""
    rid = ResourceId(resource)
    samples: dict[str, Any] = {
        "reference-annotation": DetectionParams(resource_id=rid, entity_types=("Person", "Place")),
        "generation": GenerationParams(
            reference_id="ann-1",  # type: ignore[arg-type]
            source_resource_id=rid,
            source_resource_name="Source",
            annotation={"id": "http://x/annotations/ann-1", "body": []},
            context=GenerationContext(source_context=SourceContext(selected="Ada Lovelace")),
        ),
        "highlight-annotation": HighlightDetectionParams(resource_id=rid),
        "assessment-annotation": AssessmentDetectionParams(resource_id=rid, tone="critical"),
        "comment-annotation": CommentDetectionParams(resource_id=rid, tone="scholarly"),
        "tag-annotation": TagDetectionParams(resource_id=rid, schema_id="legal-irac", categories=("Issue",)),
    }
    params = samples[job_type]
    assert type(params) is JOB_KINDS[job_type].params
    return params


def pending(
    job_id: str = "job-1",
    *,
    job_type: JobType = "highlight-annotation",
    created: datetime | None = None,
    offset_seconds: float = 0,
    user: str = "user-1",
    max_retries: int = 3,
    retry_count: int = 0,
    resource: str = "res-1",
    run_after: datetime | None = None,
    priority: int = 0,
    unique_key: str | None = None,
) -> PendingJob[Any]:
    metadata = JobMetadata(
        id=JobId(job_id),
        type=job_type,
        user_id=UserId(user),
        user_name="Ada",
        user_email="ada@example.org",
        user_domain="example.org",
        created=(created or BASE_TIME) + timedelta(seconds=offset_seconds),
        retry_count=retry_count,
        max_retries=max_retries,
        priority=priority,
        unique_key=unique_key,
    )
    return PendingJob(metadata=metadata, params=sample_params(job_type, resource), run_after=run_after)
