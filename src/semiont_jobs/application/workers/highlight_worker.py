"""Highlights the passages of a resource most worth a reader's attention."""

from __future__ import annotations

from collections.abc import Sequence

from semiont_jobs.application.detection import HighlightMatch, detect_highlights
from semiont_jobs.application.workers.analysis_worker import AnalysisWorker
from semiont_jobs.domain.params import HighlightDetectionParams
from semiont_jobs.domain.results import HighlightDetectionResult
from semiont_jobs.domain.vocabulary import JsonObject


class HighlightAnnotationWorker(AnalysisWorker[HighlightMatch]):
    """Runs ``highlight-annotation`` jobs: one ``highlighting`` annotation (empty body) per passage."""

    job_type = "highlight-annotation"
    subject = "Highlight detection"
    motivation = "highlighting"
    noun = "highlights"

    async def detect(self, content: str, params: HighlightDetectionParams) -> Sequence[HighlightMatch]:
        return await detect_highlights(
            content, self.inference, instructions=params.instructions, density=params.density
        )

    def body(self, match: HighlightMatch) -> list[JsonObject]:
        return []

    def result(self, found: int, created: int) -> HighlightDetectionResult:
        return HighlightDetectionResult(highlights_found=found, highlights_created=created)
