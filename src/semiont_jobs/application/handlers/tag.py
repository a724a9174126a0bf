"""Tags passages of a resource with the structural roles of a tag schema (IRAC, IMRAD, Toulmin)."""

from __future__ import annotations

from typing import ClassVar

from semiont_jobs.application.detection import (
    DetectionStats,
    TagMatch,
    detect_tags,
    fetch_content,
    get_tag_schema,
)
from semiont_jobs.application.detection.chunked import ChunkProgress
from semiont_jobs.application.handlers.detection_handler import DetectionHandler, log_costs
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.domain.annotations import tag_body
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.params import TagDetectionParams
from semiont_jobs.domain.progress import TagDetectionProgress
from semiont_jobs.domain.results import TagDetectionResult
from semiont_jobs.domain.vocabulary import AnalysisStage, JobType


class TagAnnotationHandler(DetectionHandler):
    """Runs ``tag-annotation`` jobs: one model call per category, one ``tagging`` annotation per passage.

    The schema and every category are checked before the resource is read or
    the model called; an unknown one fails the job at once (not retryable).
    Progress: analyzing 10 %, then per category ``10 + 50·i/n`` %, creating 60 %,
    creating 100 %.
    """

    job_type: ClassVar[JobType] = "tag-annotation"

    async def __call__(
        self,
        job: RunningJob[TagDetectionParams, TagDetectionProgress],
        context: JobContext[TagDetectionParams, TagDetectionProgress],
    ) -> TagDetectionResult:
        params = job.params
        schema = get_tag_schema(params.schema_id)
        for category in params.categories:
            schema.category(category)
        total = len(params.categories)
        await context.report_progress(_progress("analyzing", 10, 0, total, "Loading resource..."))
        content = await fetch_content(self.content, params.resource_id)
        tags: list[TagMatch] = []
        by_category: dict[str, int] = {}
        stats = DetectionStats()
        for index, category in enumerate(params.categories):
            percentage = 10 + (index * 50) // total
            await context.report_progress(
                _progress("analyzing", percentage, index, total, f"Analyzing {category}...", category)
            )
            on_chunk = self._chunk_progress(context, index, total, category)
            found = await detect_tags(
                content,
                self.inference,
                schema_id=schema.id,
                category=category,
                settings=self.settings,
                on_chunk=on_chunk,
                stats=stats,
            )
            tags.extend(found)
            by_category[category] = by_category.get(category, 0) + len(found)
        await context.report_progress(
            _progress("creating", 60, total, total, f"Creating {len(tags)} tag annotations...")
        )
        offsets = self.annotations.offsets(content)
        created = 0
        for tag in tags:
            body = tag_body(tag.category, tag.schema_id)
            created += await self.annotations.publish(context.job, tag, "tagging", body, offsets)
        await context.report_progress(
            _progress("creating", 100, total, total, f"Complete! Created {created} tags")
        )
        log_costs(context, stats)
        return TagDetectionResult(tags_found=len(tags), tags_created=created, by_category=by_category)

    @staticmethod
    def _chunk_progress(
        context: JobContext[TagDetectionParams, TagDetectionProgress], index: int, total: int, category: str
    ) -> ChunkProgress:
        async def report(done: int, chunks: int) -> None:
            if chunks > 1:
                percentage = 10 + (50 * (index * chunks + done)) // (total * chunks)
                message = f"Analyzing {category} (chunk {done} of {chunks})..."
                progress = _progress("analyzing", percentage, index, total, message, category)
                await context.report_progress(progress)

        return report


def _progress(
    stage: AnalysisStage,
    percentage: int,
    processed: int,
    total: int,
    message: str,
    category: str | None = None,
) -> TagDetectionProgress:
    return TagDetectionProgress(
        stage=stage,
        percentage=percentage,
        current_category=category,
        processed_categories=processed,
        total_categories=total,
        message=message,
    )
