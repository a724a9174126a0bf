"""What each job type is asked to do: its parameters, as written in ``params``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from semiont_jobs.domain.ids import AnnotationId, ResourceId
from semiont_jobs.domain.vocabulary import AssessmentTone, CommentTone


@attrs.frozen(kw_only=True)
class DetectionParams:
    """Find references to entities of the given types in a resource."""

    resource_id: ResourceId
    entity_types: tuple[str, ...]
    include_descriptive_references: bool | None = None


@attrs.frozen(kw_only=True)
class SourceContext:
    """The passage around the text a new resource is generated from."""

    before: str | None = None
    selected: str
    after: str | None = None


@attrs.frozen(kw_only=True)
class GenerationContext:
    """Context gathered by the caller before a generation job is queued."""

    source_context: SourceContext | None = None
    metadata: Mapping[str, Any] | None = None


@attrs.frozen(kw_only=True)
class GenerationParams:
    """Generate a new resource for a reference annotation and link it."""

    reference_id: AnnotationId
    source_resource_id: ResourceId
    source_resource_name: str
    annotation: Mapping[str, Any]
    prompt: str | None = None
    title: str | None = None
    entity_types: tuple[str, ...] | None = None
    language: str | None = None
    context: GenerationContext | None = None
    temperature: float | None = None
    max_tokens: int | None = None


@attrs.frozen(kw_only=True)
class HighlightDetectionParams:
    """Find passages worth highlighting."""

    resource_id: ResourceId
    instructions: str | None = None
    density: float | None = None


@attrs.frozen(kw_only=True)
class AssessmentDetectionParams:
    """Assess passages of a resource in a given tone."""

    resource_id: ResourceId
    instructions: str | None = None
    tone: AssessmentTone | None = None
    density: float | None = None


@attrs.frozen(kw_only=True)
class CommentDetectionParams:
    """Comment on passages of a resource in a given tone."""

    resource_id: ResourceId
    instructions: str | None = None
    tone: CommentTone | None = None
    density: float | None = None


@attrs.frozen(kw_only=True)
class TagDetectionParams:
    """Tag passages with the categories of a structural schema."""

    resource_id: ResourceId
    schema_id: str
    categories: tuple[str, ...]


JobParams = (
    DetectionParams
    | GenerationParams
    | HighlightDetectionParams
    | AssessmentDetectionParams
    | CommentDetectionParams
    | TagDetectionParams
)
