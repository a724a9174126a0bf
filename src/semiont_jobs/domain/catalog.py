"""Which params, progress and result classes belong to which job type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from semiont_jobs.domain import params as p
from semiont_jobs.domain import progress as pg
from semiont_jobs.domain import results as r
from semiont_jobs.domain.vocabulary import JobType


@attrs.frozen
class JobKind:
    """The classes that make up one job type's data."""

    params: type
    progress: type
    result: type


JOB_KINDS: Final[Mapping[JobType, JobKind]] = {
    "reference-annotation": JobKind(p.DetectionParams, pg.DetectionProgress, r.DetectionResult),
    "generation": JobKind(p.GenerationParams, pg.YieldProgress, r.GenerationResult),
    "highlight-annotation": JobKind(
        p.HighlightDetectionParams, pg.AnalysisProgress, r.HighlightDetectionResult
    ),
    "assessment-annotation": JobKind(
        p.AssessmentDetectionParams, pg.AnalysisProgress, r.AssessmentDetectionResult
    ),
    "comment-annotation": JobKind(p.CommentDetectionParams, pg.AnalysisProgress, r.CommentDetectionResult),
    "tag-annotation": JobKind(p.TagDetectionParams, pg.TagDetectionProgress, r.TagDetectionResult),
}


def job_type_of_params(params: object) -> JobType:
    """Return the job type whose params ``params`` are, or raise ``TypeError``."""
    for job_type, kind in JOB_KINDS.items():
        if type(params) is kind.params:
            return job_type
    raise TypeError(f"{type(params).__name__} is not the params class of any job type")
