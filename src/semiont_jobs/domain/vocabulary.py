"""The closed vocabularies of the job model: job types, statuses, tones and stages."""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

JobType = Literal[
    "reference-annotation",
    "generation",
    "highlight-annotation",
    "assessment-annotation",
    "comment-annotation",
    "tag-annotation",
]
JobStatus = Literal["pending", "running", "complete", "failed", "cancelled"]
AssessmentTone = Literal["analytical", "critical", "balanced", "constructive"]
CommentTone = Literal["scholarly", "explanatory", "conversational", "technical"]
AnalysisStage = Literal["analyzing", "creating"]
GenerationStage = Literal["fetching", "generating", "creating", "linking"]

JOB_TYPES: Final[tuple[JobType, ...]] = get_args(JobType)
JOB_STATUSES: Final[tuple[JobStatus, ...]] = get_args(JobStatus)
FINISHED_STATUSES: Final[frozenset[JobStatus]] = frozenset({"complete", "failed", "cancelled"})

JsonObject = dict[str, Any]
"""A JSON object as Python sees it: what an annotation or an event payload is."""
