"""Makes the W3C annotations of one job and publishes each as ``mark:create``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

import nanoid

from semiont_jobs.application.detection import AnchoredMatch
from semiont_jobs.application.handlers.backend_settings import BackendSettings
from semiont_jobs.domain.agent import job_agent
from semiont_jobs.domain.annotations import Annotation, AnnotationBody, TextQuote, text_target
from semiont_jobs.domain.errors import SemiontJobsError
from semiont_jobs.domain.events import MarkCreateMessage
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.offsets import OFFSET_UNITS, OffsetUnit, TextOffsets
from semiont_jobs.ports.clock import Clock
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.event_bus import EventBus

log = logging.getLogger("semiont_jobs.handlers")

ANNOTATION_ID_LENGTH: Final = 21
OFFSET_UNIT_SETTING: Final = "workers.offset_unit"


def new_annotation_id() -> str:
    """A 21-character URL-safe nanoid, as Semiont's own annotation ids are."""
    generated: str = nanoid.generate(size=ANNOTATION_ID_LENGTH)
    return generated


def quote_of(match: AnchoredMatch, offsets: TextOffsets) -> TextQuote:
    """The passage a detection match anchors, its offsets counted in ``offsets``' unit."""
    return TextQuote(
        start=offsets(match.start),
        end=offsets(match.end),
        exact=match.exact,
        prefix=match.prefix,
        suffix=match.suffix,
    )


class AnnotationPublisher:
    """Annotations by a job's user whose ``id`` and ``target.source`` live under the backend's public URL.

    Offsets are counted in ``offset_unit`` (``workers.offset_unit``): code points,
    as the W3C model does, or UTF-16 code units, as JavaScript does. An annotation
    that cannot be built or published is logged and counted as not created; the job goes on.
    """

    def __init__(
        self,
        event_bus: EventBus,
        backend: BackendSettings,
        clock: Clock,
        new_id: Callable[[], str] = new_annotation_id,
        *,
        offset_unit: OffsetUnit = "code-point",
    ) -> None:
        if offset_unit not in OFFSET_UNITS:
            raise ConfigurationError(
                OFFSET_UNIT_SETTING, f"{offset_unit!r} is not one of {', '.join(OFFSET_UNITS)}"
            )
        self.offset_unit: OffsetUnit = offset_unit
        self.event_bus = event_bus
        self.backend = backend
        self.clock = clock
        self.new_id = new_id

    def offsets(self, text: str) -> TextOffsets:
        """How offsets in ``text`` are written in this publisher's annotations (build once per text)."""
        return TextOffsets(text, self.offset_unit)

    def annotate(
        self,
        job: RunningJob[Any, Any],
        match: AnchoredMatch,
        motivation: str,
        body: AnnotationBody,
        offsets: TextOffsets,
    ) -> Annotation:
        """An annotation by ``job``'s user of ``match`` in the job's resource."""
        return Annotation(
            id=self.backend.annotation_uri(self.new_id()),
            motivation=motivation,
            creator=job_agent(job.metadata),
            created=self.clock(),
            target=text_target(self.backend.resource_uri(job.params.resource_id), quote_of(match, offsets)),
            body=body,
        )

    async def publish(
        self,
        job: RunningJob[Any, Any],
        match: AnchoredMatch,
        motivation: str,
        body: AnnotationBody,
        offsets: TextOffsets,
    ) -> bool:
        """Build and publish one annotation of a match in the text of ``offsets``; ``False`` when that
        failed (logged)."""
        try:
            annotation = self.annotate(job, match, motivation, body, offsets)
            message = MarkCreateMessage(
                annotation=annotation, user_id=job.metadata.user_id, resource_id=job.params.resource_id
            )
            await self.event_bus.publish(message)
        except SemiontJobsError as exc:
            log.error(
                "job %s: could not create a %s annotation at %d-%d: %s",
                job.id,
                motivation,
                match.start,
                match.end,
                exc,
            )
            return False
        return True
