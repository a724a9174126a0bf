"""Finds mentions of entities (people, places ...) and marks them as references to be linked."""

from __future__ import annotations

from typing import Any

from semiont_jobs.application.detection import EntityType, detect_entities, entity_type_of
from semiont_jobs.application.workers.annotation_worker import AnnotationWorker
from semiont_jobs.application.workers.event_worker import typed
from semiont_jobs.domain import events
from semiont_jobs.domain.annotations import tagging_bodies
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.params import DetectionParams
from semiont_jobs.domain.progress import DetectionProgress
from semiont_jobs.domain.results import DetectionResult
from semiont_jobs.domain.vocabulary import JsonObject


class ReferenceAnnotationWorker(AnnotationWorker):
    """Runs ``reference-annotation`` jobs: a model call per entity type, a ``linking`` annotation per mention.

    Every entity type is checked before the first model call. Progress is
    reported before the first type, before each type and after each type;
    ``errors`` in the result counts annotations that could not be built or published.
    """

    job_type = "reference-annotation"
    subject = "Entity detection"

    async def execute_job(self, job: RunningJob[Any, Any]) -> DetectionResult:
        params: DetectionParams = job.params
        entity_types = _distinct_entity_types(params)
        total = len(entity_types)
        content = await self.fetch_text(job)
        found = emitted = errors = 0
        job = await self.report_progress(job, _progress(total, 0, None, 0, 0))
        for index, entity_type in enumerate(entity_types):
            name = entity_type.name
            job = await self.report_progress(job, _progress(total, index, name, found, emitted))
            matches = await detect_entities(
                content,
                self.inference,
                [entity_type],
                include_descriptive_references=params.include_descriptive_references,
            )
            found += len(matches)
            for match in matches:
                if await self.create_annotation(job, match, "linking", tagging_bodies([match.entity_type])):
                    emitted += 1
                else:
                    errors += 1
            job = await self.report_progress(job, _progress(total, index + 1, name, found, emitted))
        return DetectionResult(total_found=found, total_emitted=emitted, errors=errors)

    async def publish_progress(self, job: RunningJob[Any, Any]) -> None:
        progress = typed(job.progress, DetectionProgress, "progress")
        current = progress.current_entity_type
        total = progress.total_entity_types
        percentage = round(progress.processed_entity_types * 100 / total) if total else 0
        if current is None:
            status, message = "started", "Starting detection..."
        elif _before_processing(job.params, progress):
            status, message, percentage = "scanning", f"Starting {current}...", 0
        else:
            status, message = "scanning", f"Processing {current}"
        steps: JsonObject = {
            "processedSteps": progress.processed_entity_types,
            "totalSteps": total,
            "foundCount": progress.entities_found,
        }
        if current is not None:
            steps = {"currentStep": current, **steps}
        await self.publish_job_progress(job, percentage, steps)
        await self.publish_scoped(
            job,
            events.MARK_PROGRESS,
            events.mark_progress(status, percentage, message, currentEntityType=current),
        )


def _distinct_entity_types(params: DetectionParams) -> list[EntityType]:
    """The job's entity types, checked, each name once (a repeated type would repeat annotations)."""
    distinct: dict[str, EntityType] = {}
    for value in params.entity_types:
        entity_type = entity_type_of(value)
        distinct.setdefault(entity_type.name, entity_type)
    return list(distinct.values())


def _before_processing(params: DetectionParams, progress: DetectionProgress) -> bool:
    """Whether ``progress`` was reported before its current entity type was searched for."""
    names = [entity_type.name for entity_type in _distinct_entity_types(params)]
    processed = progress.processed_entity_types
    return processed < len(names) and names[processed] == progress.current_entity_type


def _progress(total: int, processed: int, current: str | None, found: int, emitted: int) -> DetectionProgress:
    return DetectionProgress(
        total_entity_types=total,
        processed_entity_types=processed,
        current_entity_type=current,
        entities_found=found,
        entities_emitted=emitted,
    )
