"""Comments on passages of a resource in the tone the user chose."""

from __future__ import annotations

from collections.abc import Sequence

from semiont_jobs.application.detection import CommentMatch, detect_comments
from semiont_jobs.application.workers.analysis_worker import AnalysisWorker
from semiont_jobs.domain.annotations import comment_body
from semiont_jobs.domain.params import CommentDetectionParams
from semiont_jobs.domain.results import CommentDetectionResult
from semiont_jobs.domain.vocabulary import JsonObject


class CommentAnnotationWorker(AnalysisWorker[CommentMatch]):
    """Runs ``comment-annotation`` jobs: one ``commenting`` annotation per commented passage."""

    job_type = "comment-annotation"
    subject = "Comment detection"
    motivation = "commenting"
    noun = "comments"
    analyzing_message = "Analyzing text and generating comments..."

    async def detect(self, content: str, params: CommentDetectionParams) -> Sequence[CommentMatch]:
        return await detect_comments(
            content,
            self.inference,
            instructions=params.instructions,
            tone=params.tone,
            density=params.density,
        )

    def body(self, match: CommentMatch) -> list[JsonObject]:
        return comment_body(match.comment)

    def result(self, found: int, created: int) -> CommentDetectionResult:
        return CommentDetectionResult(comments_found=found, comments_created=created)
