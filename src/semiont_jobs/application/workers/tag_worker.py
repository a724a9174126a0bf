"""Tags passages of a resource with the structural roles of a tag schema (IRAC, IMRAD, Toulmin)."""

from __future__ import annotations

from typing import Any

from semiont_jobs.application.detection import TagMatch, detect_tags, get_tag_schema
from semiont_jobs.application.workers.annotation_worker import AnnotationWorker
from semiont_jobs.application.workers.event_worker import typed
from semiont_jobs.codec import unstructure
from semiont_jobs.domain import events
from semiont_jobs.domain.annotations import tag_body
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.params import TagDetectionParams
from semiont_jobs.domain.progress import TagDetectionProgress
from semiont_jobs.domain.results import TagDetectionResult


class TagAnnotationWorker(AnnotationWorker):
    """Runs ``tag-annotation`` jobs: one model call per category, one ``tagging`` annotation per passage.

    The schema and every category are checked before the resource is read or
    the model called; an unknown one fails the job at once (not retryable).
    Progress: analyzing 10 %, then per category ``10 + 50·i/n`` %, creating 60 %,
    creating 100 %.
    """

    job_type = "tag-annotation"
    subject = "Tag detection"

    async def execute_job(self, job: RunningJob[Any, Any]) -> TagDetectionResult:
        params: TagDetectionParams = job.params
        schema = get_tag_schema(params.schema_id)
        for category in params.categories:
            schema.category(category)
        total = len(params.categories)
        job = await self.report_progress(job, _progress("analyzing", 10, 0, total, "Loading resource..."))
        content = await self.fetch_text(job)
        tags: list[TagMatch] = []
        by_category: dict[str, int] = {}
        for index, category in enumerate(params.categories):
            job = await self.report_progress(
                job,
                _progress(
                    "analyzing",
                    10 + (index * 50) // total,
                    index,
                    total,
                    f"Analyzing {category}...",
                    category,
                ),
            )
            found = await detect_tags(content, self.inference, schema_id=schema.id, category=category)
            tags.extend(found)
            by_category[category] = by_category.get(category, 0) + len(found)
        job = await self.report_progress(
            job, _progress("creating", 60, total, total, f"Creating {len(tags)} tag annotations...")
        )
        created = 0
        for tag in tags:
            created += await self.create_annotation(
                job, tag, "tagging", tag_body(tag.category, tag.schema_id)
            )
        await self.report_progress(
            job, _progress("creating", 100, total, total, f"Complete! Created {created} tags")
        )
        return TagDetectionResult(tags_found=len(tags), tags_created=created, by_category=by_category)

    async def publish_progress(self, job: RunningJob[Any, Any]) -> None:
        progress = typed(job.progress, TagDetectionProgress, "progress")
        await self.publish_job_progress(job, progress.percentage, {"progress": unstructure(progress)})
        await self.publish_scoped(
            job,
            events.MARK_PROGRESS,
            events.mark_progress(
                progress.stage,
                progress.percentage,
                progress.message,
                currentCategory=progress.current_category,
                processedCategories=progress.processed_categories,
                totalCategories=progress.total_categories,
            ),
        )


def _progress(
    stage: Any, percentage: int, processed: int, total: int, message: str, category: str | None = None
) -> TagDetectionProgress:
    return TagDetectionProgress(
        stage=stage,
        percentage=percentage,
        current_category=category,
        processed_categories=processed,
        total_categories=total,
        message=message,
    )
