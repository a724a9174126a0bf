"""The lifecycle events a Semiont backend follows, published by one listener on the worker runtime.

Per attempt: ``job:start`` once when the job is claimed; for every stored
progress report ``job:report-progress`` and, scoped to the job's resource,
``mark:progress`` (``yield:progress`` for generation); ``job:complete`` once the
job is stored as complete. A job that fails for good gets exactly one
``job:fail`` with a message for the user; an attempt that will be retried
publishes nothing final.
"""

from __future__ import annotations

from typing import Any, Final

from semiont_jobs.application.handlers.backend_settings import BackendSettings
from semiont_jobs.application.handlers.reference import distinct_entity_types
from semiont_jobs.application.job_handler import QuietListener
from semiont_jobs.domain.annotations import last_path_segment
from semiont_jobs.domain.events import (
    GenerationOutcome,
    JobCompleteMessage,
    JobFailMessage,
    JobReportProgressMessage,
    JobStartMessage,
    MarkProgressMessage,
    ProgressSteps,
    WrappedProgress,
    WrappedResult,
    YieldProgressMessage,
    job_fields,
    job_resource_id,
)
from semiont_jobs.domain.jobs import CompleteJob, FailedJob, Job, RunningJob
from semiont_jobs.domain.params import DetectionParams, GenerationParams
from semiont_jobs.domain.progress import (
    AnalysisProgress,
    DetectionProgress,
    TagDetectionProgress,
    YieldProgress,
)
from semiont_jobs.domain.results import GenerationResult
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.event_bus import EventBus

SUBJECTS: Final[dict[JobType, str]] = {
    "reference-annotation": "Entity detection",
    "highlight-annotation": "Highlight detection",
    "assessment-annotation": "Assessment detection",
    "comment-annotation": "Comment detection",
    "tag-annotation": "Tag detection",
    "generation": "Resource generation",
}
"""What each job type does, for the user, as ``job:fail`` names it."""

ScopedProgress = MarkProgressMessage | YieldProgressMessage


def _report(
    job: Job, percentage: float, progress: WrappedProgress | ProgressSteps
) -> JobReportProgressMessage:
    return JobReportProgressMessage(**job_fields(job), percentage=percentage, progress=progress)


def _reference_progress(
    job: RunningJob[DetectionParams, Any], progress: DetectionProgress
) -> tuple[JobReportProgressMessage, ScopedProgress]:
    current = progress.current_entity_type
    total = progress.total_entity_types
    processed = progress.processed_entity_types
    percentage = round(processed * 100 / total) if total else 0
    names = [entity_type.name for entity_type in distinct_entity_types(job.params)]
    if progress.total_chunks:
        done, chunks = progress.processed_chunks or 0, progress.total_chunks
        percentage = round(done * 100 / chunks)
        steps = ProgressSteps(processed_steps=done, total_steps=chunks, found_count=progress.entities_found)
        scoped = MarkProgressMessage(
            status="scanning", message=f"Scanning chunk {done} of {chunks}", percentage=percentage
        )
        return _report(job, percentage, steps), scoped
    if current is None:
        status, message = "started", "Starting detection..."
    elif processed < len(names) and names[processed] == current:
        status, message, percentage = "scanning", f"Starting {current}...", 0
    else:
        status, message = "scanning", f"Processing {current}"
    steps = ProgressSteps(
        current_step=current,
        processed_steps=processed,
        total_steps=total,
        found_count=progress.entities_found,
    )
    scoped = MarkProgressMessage(
        status=status, message=message, percentage=percentage, current_entity_type=current
    )
    return _report(job, percentage, steps), scoped


def progress_messages(job: RunningJob[Any, Any]) -> tuple[JobReportProgressMessage, ScopedProgress]:
    """The ``job:report-progress`` and scoped progress messages of a running job's stored progress."""
    progress = job.progress
    if isinstance(progress, AnalysisProgress):
        scoped: ScopedProgress = MarkProgressMessage(
            status=progress.stage, message=progress.message, percentage=progress.percentage
        )
        return _report(job, progress.percentage, WrappedProgress(progress=progress)), scoped
    if isinstance(progress, TagDetectionProgress):
        scoped = MarkProgressMessage(
            status=progress.stage,
            message=progress.message,
            percentage=progress.percentage,
            current_category=progress.current_category,
            processed_categories=progress.processed_categories,
            total_categories=progress.total_categories,
        )
        return _report(job, progress.percentage, WrappedProgress(progress=progress)), scoped
    if isinstance(progress, DetectionProgress):
        return _reference_progress(job, progress)
    if isinstance(progress, YieldProgress) and isinstance(job.params, GenerationParams):
        steps = ProgressSteps(current_step=progress.stage, message=progress.message)
        scoped = YieldProgressMessage(
            status=progress.stage,
            reference_id=job.params.reference_id,
            source_resource_id=job.params.source_resource_id,
            percentage=progress.percentage,
            message=progress.message,
        )
        return _report(job, progress.percentage, steps), scoped
    raise TypeError(f"a {job.type} job has progress of type {type(progress).__name__}")


class SemiontEvents(QuietListener):
    """Publishes the lifecycle events of every job on a worker to ``event_bus``."""

    def __init__(self, event_bus: EventBus, backend: BackendSettings) -> None:
        self.event_bus = event_bus
        self.backend = backend

    def completion(self, job: CompleteJob[Any, Any]) -> WrappedResult | GenerationOutcome:
        """The ``result`` of ``job:complete``, as the reference sends it for the job's type."""
        if isinstance(job.params, GenerationParams) and isinstance(job.result, GenerationResult):
            return GenerationOutcome(
                result_resource_id=job.result.resource_id,
                annotation_uri=self.backend.annotation_uri(last_path_segment(job.params.reference_id)),
            )
        return WrappedResult(result=job.result)

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        await self.event_bus.publish(JobStartMessage(**job_fields(job)))

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        report, scoped = progress_messages(job)
        await self.event_bus.publish(report)
        await self.event_bus.scope(job_resource_id(job)).publish(scoped)

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        await self.event_bus.publish(JobCompleteMessage(**job_fields(job), result=self.completion(job)))

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        subject = SUBJECTS.get(job.type, "The job")
        await self.event_bus.publish(
            JobFailMessage(**job_fields(job), error=f"{subject} failed: {job.error}")
        )
