"""Makes the W3C annotations of one job: fresh ids, the time of creation, the job's user as creator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import nanoid

from semiont_jobs.application.detection import AnchoredMatch
from semiont_jobs.application.workers.backend_settings import BackendSettings
from semiont_jobs.codec import format_time
from semiont_jobs.domain.agent import job_agent
from semiont_jobs.domain.annotations import TextQuote, text_annotation
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.clock import Clock

ANNOTATION_ID_LENGTH: Final = 21


def new_annotation_id() -> str:
    """A 21-character URL-safe nanoid, as Semiont's own annotation ids are."""
    generated: str = nanoid.generate(size=ANNOTATION_ID_LENGTH)
    return generated


def quote_of(match: AnchoredMatch) -> TextQuote:
    """The passage a detection match anchors."""
    return TextQuote(
        start=match.start, end=match.end, exact=match.exact, prefix=match.prefix, suffix=match.suffix
    )


class AnnotationFactory:
    """Builds annotations whose ``id`` and ``target.source`` live under the backend's public URL."""

    def __init__(
        self,
        backend: BackendSettings,
        clock: Clock,
        new_id: Callable[[], str] = new_annotation_id,
    ) -> None:
        self.backend = backend
        self.clock = clock
        self.new_id = new_id

    def annotate(
        self,
        job: RunningJob[Any, Any],
        match: AnchoredMatch,
        motivation: str,
        body: JsonObject | list[JsonObject],
    ) -> JsonObject:
        """An annotation by ``job``'s user of ``match`` in the job's resource."""
        return text_annotation(
            annotation_id=self.backend.annotation_uri(self.new_id()),
            motivation=motivation,
            creator=job_agent(job.metadata),
            created=format_time(self.clock()),
            source=self.backend.resource_uri(job.params.resource_id),
            quote=quote_of(match),
            body=body,
        )
