"""Assesses passages of a resource in the tone the user chose."""

from __future__ import annotations

from collections.abc import Sequence

from semiont_jobs.application.detection import AssessmentMatch, detect_assessments
from semiont_jobs.application.workers.analysis_worker import AnalysisWorker
from semiont_jobs.domain.annotations import assessment_body
from semiont_jobs.domain.params import AssessmentDetectionParams
from semiont_jobs.domain.results import AssessmentDetectionResult
from semiont_jobs.domain.vocabulary import JsonObject


class AssessmentAnnotationWorker(AnalysisWorker[AssessmentMatch]):
    """Runs ``assessment-annotation`` jobs: one ``assessing`` annotation per assessed passage."""

    job_type = "assessment-annotation"
    subject = "Assessment detection"
    motivation = "assessing"
    noun = "assessments"

    async def detect(self, content: str, params: AssessmentDetectionParams) -> Sequence[AssessmentMatch]:
        return await detect_assessments(
            content,
            self.inference,
            instructions=params.instructions,
            tone=params.tone,
            density=params.density,
        )

    def body(self, match: AssessmentMatch) -> JsonObject:
        return assessment_body(match.assessment)

    def result(self, found: int, created: int) -> AssessmentDetectionResult:
        return AssessmentDetectionResult(assessments_found=found, assessments_created=created)
