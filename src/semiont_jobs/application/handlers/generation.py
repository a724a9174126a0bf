"""Generates a new resource for a reference annotation and links the annotation to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Final

from semiont_jobs.application.handlers.backend_settings import BackendSettings
from semiont_jobs.application.handlers.errors import EmptyGenerationError, MissingGenerationContextError
from semiont_jobs.application.handlers.generation_prompt import (
    DEFAULT_TITLE,
    GENERATION_MAX_TOKENS,
    GENERATION_TEMPERATURE,
    build_generation_prompt,
    strip_code_fences,
)
from semiont_jobs.application.handlers.resource_request import new_request_id, request_resource
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.domain.annotations import entity_types_of, exact_text_of, last_path_segment
from semiont_jobs.domain.events import MarkUpdateBodyMessage, YieldCreateMessage, link_operation
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.domain.params import GenerationParams
from semiont_jobs.domain.progress import YieldProgress
from semiont_jobs.domain.results import GenerationResult
from semiont_jobs.domain.vocabulary import GenerationStage, JobType
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient

DEFAULT_CREATION_TIMEOUT: Final = 30.0
CREATION_TIMEOUT_SETTING: Final = "workers.generation_timeout"


def resource_title(params: GenerationParams) -> str:
    """The new resource's name: the job's title, else the annotated text, else ``"New Resource"``."""
    return params.title or exact_text_of(params.annotation) or DEFAULT_TITLE


def generation_entity_types(params: GenerationParams) -> list[str]:
    """The job's entity types, else those the reference annotation is tagged with."""
    if params.entity_types is not None:
        return list(params.entity_types)
    return entity_types_of(params.annotation)


class GenerationHandler:
    """Runs ``generation`` jobs.

    Asks the model for a markdown resource, requests its creation with
    ``yield:create`` and waits up to ``creation_timeout`` seconds for the answer to
    that request (see :mod:`.resource_request`), then links the reference
    annotation to the new resource with ``mark:update-body``. A job without
    ``params.context`` fails at once, before any model call.

    Progress: fetching 20, generating 40, generating 70, creating 85, linking 95, linking 100.
    """

    job_type: ClassVar[JobType] = "generation"

    def __init__(
        self,
        inference: InferenceClient,
        event_bus: EventBus,
        backend: BackendSettings,
        *,
        creation_timeout: float = DEFAULT_CREATION_TIMEOUT,
        request_ids: Callable[[], str] = new_request_id,
    ) -> None:
        if isinstance(creation_timeout, bool) or not isinstance(creation_timeout, int | float):
            raise ConfigurationError(CREATION_TIMEOUT_SETTING, f"expected seconds, got {creation_timeout!r}")
        if not creation_timeout > 0:
            raise ConfigurationError(CREATION_TIMEOUT_SETTING, f"must be positive, got {creation_timeout!r}")
        self.inference = inference
        self.event_bus = event_bus
        self.backend = backend
        self.creation_timeout = float(creation_timeout)
        self.request_ids = request_ids

    async def __call__(
        self,
        job: RunningJob[GenerationParams, YieldProgress],
        context: JobContext[GenerationParams, YieldProgress],
    ) -> GenerationResult:
        params = job.params
        if params.context is None:
            raise MissingGenerationContextError(job.id)
        await context.report_progress(_progress("fetching", 20, "Fetching source resource..."))
        title = resource_title(params)
        entity_types = generation_entity_types(params)
        await context.report_progress(_progress("generating", 40, "Creating content with AI..."))
        prompt = build_generation_prompt(
            title=title,
            user_prompt=params.prompt or f'Cover "{title}" thoroughly.',
            entity_types=entity_types,
            locale=params.language,
            context=params.context,
        )
        reply = await self.inference.generate_text(
            prompt,
            params.max_tokens if params.max_tokens is not None else GENERATION_MAX_TOKENS,
            params.temperature if params.temperature is not None else GENERATION_TEMPERATURE,
        )
        content = strip_code_fences(reply)
        if not content:
            raise EmptyGenerationError(title)
        await context.report_progress(_progress("generating", 70, "Content ready, creating resource..."))
        await context.report_progress(_progress("creating", 85, "Saving resource..."))
        request = YieldCreateMessage(
            request_id=self.request_ids(),
            name=title,
            content=content,
            user_id=job.metadata.user_id,
            entity_types=tuple(entity_types),
            language=params.language,
            generated_from=params.reference_id,
        )
        resource_id = await request_resource(self.event_bus, request, self.creation_timeout)
        await context.report_progress(_progress("linking", 95, "Linking reference..."))
        await self.event_bus.publish(
            MarkUpdateBodyMessage(
                annotation_id=last_path_segment(params.reference_id),
                user_id=job.metadata.user_id,
                resource_id=params.source_resource_id,
                operations=(link_operation(self.backend.resource_uri(resource_id)),),
            )
        )
        await context.report_progress(_progress("linking", 100, "Complete!"))
        return GenerationResult(resource_id=ResourceId(resource_id), resource_name=title)


def _progress(stage: GenerationStage, percentage: float, message: str) -> YieldProgress:
    return YieldProgress(stage=stage, percentage=percentage, message=message)
