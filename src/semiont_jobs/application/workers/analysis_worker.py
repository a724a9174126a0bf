"""The shared flow of the highlight, assessment and comment workers."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from semiont_jobs.application.detection import AnchoredMatch
from semiont_jobs.application.workers.annotation_worker import AnnotationWorker
from semiont_jobs.application.workers.event_worker import typed
from semiont_jobs.codec import unstructure
from semiont_jobs.domain import events
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.domain.vocabulary import JsonObject

M = TypeVar("M", bound=AnchoredMatch)


class AnalysisWorker(AnnotationWorker, Generic[M]):
    """One model call over the resource, then one annotation per match.

    Progress: analyzing 10 % (loading), analyzing 30 % (asking the model),
    creating 60 % (n annotations to create), creating 100 % (done).
    """

    motivation: ClassVar[str]
    noun: ClassVar[str]
    """What the annotations are called in progress messages: ``"highlights"``."""
    analyzing_message: ClassVar[str] = "Analyzing text..."

    @abc.abstractmethod
    async def detect(self, content: str, params: Any) -> Sequence[M]:
        """Ask the model for matches in ``content``."""

    @abc.abstractmethod
    def body(self, match: M) -> JsonObject | list[JsonObject]:
        """The annotation body of ``match``."""

    @abc.abstractmethod
    def result(self, found: int, created: int) -> Any:
        """The job's result."""

    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        job = await self.report_progress(job, _progress("analyzing", 10, "Loading resource..."))
        content = await self.fetch_text(job)
        job = await self.report_progress(job, _progress("analyzing", 30, self.analyzing_message))
        matches = await self.detect(content, job.params)
        job = await self.report_progress(
            job, _progress("creating", 60, f"Creating {len(matches)} annotations...")
        )
        created = 0
        for match in matches:
            created += await self.create_annotation(job, match, self.motivation, self.body(match))
        await self.report_progress(
            job, _progress("creating", 100, f"Complete! Created {created} {self.noun}")
        )
        return self.result(len(matches), created)

    async def publish_progress(self, job: RunningJob[Any, Any]) -> None:
        progress = typed(job.progress, AnalysisProgress, "progress")
        await self.publish_job_progress(job, progress.percentage, {"progress": unstructure(progress)})
        await self.publish_scoped(
            job,
            events.MARK_PROGRESS,
            events.mark_progress(progress.stage, progress.percentage, progress.message),
        )


def _progress(stage: Any, percentage: float, message: str) -> AnalysisProgress:
    return AnalysisProgress(stage=stage, percentage=percentage, message=message)
