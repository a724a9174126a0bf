"""Finds mentions of entities (people, places ...) and marks them as references to be linked."""

from __future__ import annotations

from typing import ClassVar

from semiont_jobs.application.detection import (
    DetectionStats,
    EntityType,
    detect_entities,
    entity_type_of,
    fetch_content,
)
from semiont_jobs.application.handlers.detection_handler import DetectionHandler, log_costs
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.domain.annotations import tagging_bodies
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.params import DetectionParams
from semiont_jobs.domain.progress import DetectionProgress
from semiont_jobs.domain.results import DetectionResult
from semiont_jobs.domain.vocabulary import JobType


def distinct_entity_types(params: DetectionParams) -> list[EntityType]:
    """The job's entity types, checked, each name once (a repeated type would repeat annotations)."""
    distinct: dict[str, EntityType] = {}
    for value in params.entity_types:
        entity_type = entity_type_of(value)
        distinct.setdefault(entity_type.name, entity_type)
    return list(distinct.values())


class ReferenceAnnotationHandler(DetectionHandler):
    """Runs ``reference-annotation`` jobs: every entity type asked for in one pass over the text (a call
    per chunk), a ``linking`` annotation per mention.

    Every entity type is checked before the first model call. Progress is
    reported before the text is scanned, after each chunk of a text of several,
    once every type is done and once the annotations are published; ``errors``
    in the result counts annotations that could not be built or published.
    """

    job_type: ClassVar[JobType] = "reference-annotation"

    async def __call__(
        self,
        job: RunningJob[DetectionParams, DetectionProgress],
        context: JobContext[DetectionParams, DetectionProgress],
    ) -> DetectionResult:
        params = job.params
        entity_types = distinct_entity_types(params)
        total = len(entity_types)
        content = await fetch_content(self.content, params.resource_id)
        offsets = self.annotations.offsets(content)
        await context.report_progress(_progress(total, 0, None, 0, 0))

        async def on_chunk(done: int, chunks: int) -> None:
            if chunks > 1:
                await context.report_progress(_progress(total, 0, None, 0, 0, chunks=(done, chunks)))

        stats = DetectionStats()
        matches = await detect_entities(
            content,
            self.inference,
            entity_types,
            include_descriptive_references=params.include_descriptive_references,
            settings=self.settings,
            on_chunk=on_chunk,
            stats=stats,
        )
        last = entity_types[-1].name if entity_types else None
        found, emitted, errors = len(matches), 0, 0
        await context.report_progress(_progress(total, total, last, found, 0))
        for match in matches:
            body = tagging_bodies((match.entity_type,))
            if await self.annotations.publish(context.job, match, "linking", body, offsets):
                emitted += 1
            else:
                errors += 1
        await context.report_progress(_progress(total, total, last, found, emitted))
        log_costs(context, stats)
        return DetectionResult(total_found=found, total_emitted=emitted, errors=errors)


def _progress(
    total: int,
    processed: int,
    current: str | None,
    found: int,
    emitted: int,
    chunks: tuple[int, int] | None = None,
) -> DetectionProgress:
    return DetectionProgress(
        total_entity_types=total,
        processed_entity_types=processed,
        current_entity_type=current,
        entities_found=found,
        entities_emitted=emitted,
        processed_chunks=chunks[0] if chunks else None,
        total_chunks=chunks[1] if chunks else None,
    )
