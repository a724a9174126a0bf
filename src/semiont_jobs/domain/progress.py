"""How far a running job has got: the ``progress`` of each job type."""

from __future__ import annotations

import attrs

from semiont_jobs.domain.vocabulary import AnalysisStage, GenerationStage


@attrs.frozen(kw_only=True)
class DetectionProgress:
    """Progress of a reference-annotation job, counted in entity types, and while the text is scanned
    (every type at once), in chunks of the text (``processedChunks`` and ``totalChunks``, keys of ours
    that the reference ignores)."""

    total_entity_types: int
    processed_entity_types: int
    current_entity_type: str | None = None
    entities_found: int
    entities_emitted: int
    processed_chunks: int | None = None
    total_chunks: int | None = None


@attrs.frozen(kw_only=True)
class YieldProgress:
    """Progress of a generation job."""

    stage: GenerationStage
    percentage: float
    message: str | None = None


@attrs.frozen(kw_only=True)
class AnalysisProgress:
    """Progress of a highlight, assessment or comment job."""

    stage: AnalysisStage
    percentage: float
    message: str | None = None


HighlightDetectionProgress = AnalysisProgress
AssessmentDetectionProgress = AnalysisProgress
CommentDetectionProgress = AnalysisProgress


@attrs.frozen(kw_only=True)
class TagDetectionProgress:
    """Progress of a tag job, counted in categories."""

    stage: AnalysisStage
    percentage: float
    current_category: str | None = None
    processed_categories: int
    total_categories: int
    message: str | None = None


JobProgress = DetectionProgress | YieldProgress | AnalysisProgress | TagDetectionProgress
