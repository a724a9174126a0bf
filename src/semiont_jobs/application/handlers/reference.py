"""Finds mentions of entities (people, places ...) and marks them as references to be linked."""

from __future__ import annotations

from typing import ClassVar

from semiont_jobs.application.detection import EntityType, detect_entities, entity_type_of, fetch_content
from semiont_jobs.application.handlers.detection_handler import DetectionHandler
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
    """Runs ``reference-annotation`` jobs: a model call per entity type, a ``linking`` annotation per mention.

    Every entity type is checked before the first model call. Progress is
    reported before the first type, before each type and after each type;
    ``errors`` in the result counts annotations that could not be built or published.
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
        found = emitted = errors = 0
        await context.report_progress(_progress(total, 0, None, 0, 0))
        for index, entity_type in enumerate(entity_types):
            name = entity_type.name
            await context.report_progress(_progress(total, index, name, found, emitted))
            matches = await detect_entities(
                content,
                self.inference,
                [entity_type],
                include_descriptive_references=params.include_descriptive_references,
            )
            found += len(matches)
            for match in matches:
                body = tagging_bodies((match.entity_type,))
                if await self.annotations.publish(context.job, match, "linking", body, offsets):
                    emitted += 1
                else:
                    errors += 1
            await context.report_progress(_progress(total, index + 1, name, found, emitted))
        return DetectionResult(total_found=found, total_emitted=emitted, errors=errors)


def _progress(total: int, processed: int, current: str | None, found: int, emitted: int) -> DetectionProgress:
    return DetectionProgress(
        total_entity_types=total,
        processed_entity_types=processed,
        current_entity_type=current,
        entities_found=found,
        entities_emitted=emitted,
    )
