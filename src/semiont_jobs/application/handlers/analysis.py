"""The highlight, assessment and comment handlers: one model call over the resource, one annotation per match.

Progress: analyzing 10 % (loading), analyzing 30 % (asking the model), creating
60 % (n annotations to create), creating 100 % (done).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from semiont_jobs.application.detection import (
    AnchoredMatch,
    AssessmentMatch,
    CommentMatch,
    DetectionStats,
    HighlightMatch,
    detect_assessments,
    detect_comments,
    detect_highlights,
    fetch_content,
)
from semiont_jobs.application.detection.chunked import ChunkProgress
from semiont_jobs.application.handlers.detection_handler import DetectionHandler, log_costs
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.domain.annotations import AnnotationBody, assessment_body, comment_body
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.params import (
    AssessmentDetectionParams,
    CommentDetectionParams,
    HighlightDetectionParams,
)
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.domain.results import (
    AssessmentDetectionResult,
    CommentDetectionResult,
    HighlightDetectionResult,
)
from semiont_jobs.domain.vocabulary import AnalysisStage, JobType

P = TypeVar("P", HighlightDetectionParams, AssessmentDetectionParams, CommentDetectionParams)
M = TypeVar("M", bound=AnchoredMatch)
R = TypeVar("R")


def _progress(stage: AnalysisStage, percentage: float, message: str) -> AnalysisProgress:
    return AnalysisProgress(stage=stage, percentage=percentage, message=message)


class AnalysisHandler(DetectionHandler, abc.ABC, Generic[P, M, R]):
    """The shared flow; a kind says how to detect, what each annotation's body is, and the result."""

    job_type: ClassVar[JobType]
    motivation: ClassVar[str]
    noun: ClassVar[str]
    """What the annotations are called in progress messages: ``"highlights"``."""
    analyzing_message: ClassVar[str] = "Analyzing text..."

    @abc.abstractmethod
    async def detect(
        self, content: str, params: P, on_chunk: ChunkProgress, stats: DetectionStats
    ) -> Sequence[M]:
        """Ask the model for matches in ``content``."""

    @abc.abstractmethod
    def body(self, match: M) -> AnnotationBody:
        """The annotation body of ``match``."""

    @abc.abstractmethod
    def result(self, found: int, created: int) -> R:
        """The job's result."""

    async def __call__(
        self, job: RunningJob[P, AnalysisProgress], context: JobContext[P, AnalysisProgress]
    ) -> R:
        await context.report_progress(_progress("analyzing", 10, "Loading resource..."))
        content = await fetch_content(self.content, job.params.resource_id)
        await context.report_progress(_progress("analyzing", 30, self.analyzing_message))

        async def on_chunk(done: int, total: int) -> None:
            if total > 1:
                message = f"Analyzing chunk {done} of {total}..."
                await context.report_progress(_progress("analyzing", 30 + (30 * done) // total, message))

        stats = DetectionStats()
        matches = await self.detect(content, job.params, on_chunk, stats)
        offsets = self.annotations.offsets(content)
        await context.report_progress(_progress("creating", 60, f"Creating {len(matches)} annotations..."))
        created = 0
        for match in matches:
            body = self.body(match)
            created += await self.annotations.publish(context.job, match, self.motivation, body, offsets)
        await context.report_progress(_progress("creating", 100, f"Complete! Created {created} {self.noun}"))
        log_costs(context, stats)
        return self.result(len(matches), created)


class HighlightAnnotationHandler(
    AnalysisHandler[HighlightDetectionParams, HighlightMatch, HighlightDetectionResult]
):
    """Runs ``highlight-annotation`` jobs: one ``highlighting`` annotation (empty body) per passage."""

    job_type: ClassVar[JobType] = "highlight-annotation"
    motivation = "highlighting"
    noun = "highlights"

    async def detect(
        self, content: str, params: HighlightDetectionParams, on_chunk: ChunkProgress, stats: DetectionStats
    ) -> Sequence[HighlightMatch]:
        return await detect_highlights(
            content,
            self.inference,
            instructions=params.instructions,
            density=params.density,
            settings=self.settings,
            on_chunk=on_chunk,
            stats=stats,
        )

    def body(self, match: HighlightMatch) -> AnnotationBody:
        return ()

    def result(self, found: int, created: int) -> HighlightDetectionResult:
        return HighlightDetectionResult(highlights_found=found, highlights_created=created)


class AssessmentAnnotationHandler(
    AnalysisHandler[AssessmentDetectionParams, AssessmentMatch, AssessmentDetectionResult]
):
    """Runs ``assessment-annotation`` jobs: one ``assessing`` annotation per assessed passage."""

    job_type: ClassVar[JobType] = "assessment-annotation"
    motivation = "assessing"
    noun = "assessments"

    async def detect(
        self, content: str, params: AssessmentDetectionParams, on_chunk: ChunkProgress, stats: DetectionStats
    ) -> Sequence[AssessmentMatch]:
        return await detect_assessments(
            content,
            self.inference,
            instructions=params.instructions,
            tone=params.tone,
            density=params.density,
            settings=self.settings,
            on_chunk=on_chunk,
            stats=stats,
        )

    def body(self, match: AssessmentMatch) -> AnnotationBody:
        return assessment_body(match.assessment)

    def result(self, found: int, created: int) -> AssessmentDetectionResult:
        return AssessmentDetectionResult(assessments_found=found, assessments_created=created)


class CommentAnnotationHandler(AnalysisHandler[CommentDetectionParams, CommentMatch, CommentDetectionResult]):
    """Runs ``comment-annotation`` jobs: one ``commenting`` annotation per commented passage."""

    job_type: ClassVar[JobType] = "comment-annotation"
    motivation = "commenting"
    noun = "comments"
    analyzing_message = "Analyzing text and generating comments..."

    async def detect(
        self, content: str, params: CommentDetectionParams, on_chunk: ChunkProgress, stats: DetectionStats
    ) -> Sequence[CommentMatch]:
        return await detect_comments(
            content,
            self.inference,
            instructions=params.instructions,
            tone=params.tone,
            density=params.density,
            settings=self.settings,
            on_chunk=on_chunk,
            stats=stats,
        )

    def body(self, match: CommentMatch) -> AnnotationBody:
        return comment_body(match.comment)

    def result(self, found: int, created: int) -> CommentDetectionResult:
        return CommentDetectionResult(comments_found=found, comments_created=created)
