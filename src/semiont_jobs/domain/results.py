"""What a finished job produced: the ``result`` of each job type."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from semiont_jobs.domain.ids import ResourceId


@attrs.frozen(kw_only=True)
class DetectionResult:
    """Entity references found and annotations emitted."""

    total_found: int
    total_emitted: int
    errors: int


@attrs.frozen(kw_only=True)
class GenerationResult:
    """The resource a generation job created."""

    resource_id: ResourceId
    resource_name: str


@attrs.frozen(kw_only=True)
class HighlightDetectionResult:
    highlights_found: int
    highlights_created: int


@attrs.frozen(kw_only=True)
class AssessmentDetectionResult:
    assessments_found: int
    assessments_created: int


@attrs.frozen(kw_only=True)
class CommentDetectionResult:
    comments_found: int
    comments_created: int


@attrs.frozen(kw_only=True)
class TagDetectionResult:
    tags_found: int
    tags_created: int
    by_category: Mapping[str, int]


JobResult = (
    DetectionResult
    | GenerationResult
    | HighlightDetectionResult
    | AssessmentDetectionResult
    | CommentDetectionResult
    | TagDetectionResult
)
