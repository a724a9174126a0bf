"""The detection entry points: a text and a model in, anchored matches out.

Each ``detect_*`` function builds its prompt, calls the model once (once per
entity type for entities) with the reference's sampling defaults, and returns
the matches whose quotes were found in the text. A reply cut off at its token
limit raises :class:`TruncatedReplyError` rather than yielding a partial list.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Final

import attrs

from semiont_jobs.application.detection import parsers, prompts
from semiont_jobs.application.detection.entities import EntityTypeLike, entity_type_of
from semiont_jobs.application.detection.errors import (
    ContentDecodeError,
    InvalidDetectionOptionError,
    TruncatedReplyError,
)
from semiont_jobs.application.detection.matches import (
    AssessmentMatch,
    CommentMatch,
    EntityMatch,
    HighlightMatch,
    TagMatch,
)
from semiont_jobs.application.detection.tag_schemas import get_tag_category
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.vocabulary import AssessmentTone, CommentTone
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.inference_client import InferenceClient


@attrs.frozen
class Sampling:
    """How a model is called: its temperature and the most tokens it may reply with."""

    temperature: float
    max_tokens: int


COMMENT_SAMPLING: Final = Sampling(temperature=0.4, max_tokens=3000)
HIGHLIGHT_SAMPLING: Final = Sampling(temperature=0.3, max_tokens=2000)
ASSESSMENT_SAMPLING: Final = Sampling(temperature=0.3, max_tokens=3000)
TAG_SAMPLING: Final = Sampling(temperature=0.2, max_tokens=4000)
ENTITY_SAMPLING: Final = Sampling(temperature=0.3, max_tokens=4000)


async def fetch_content(fetcher: ContentFetcher, resource_id: ResourceId) -> str:
    """The resource's text, decoded strictly as UTF-8.

    Raises :class:`ContentDecodeError` for bytes that are not UTF-8, and lets
    the fetcher's ``ResourceNotFoundError``/``ContentError`` through.
    """
    data = await fetcher.fetch(resource_id)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentDecodeError(resource_id, exc.start, exc.reason) from exc


async def detect_comments(
    content: str,
    client: InferenceClient,
    *,
    instructions: str | None = None,
    tone: CommentTone | None = None,
    density: float | None = None,
    sampling: Sampling = COMMENT_SAMPLING,
) -> list[CommentMatch]:
    """Passages of ``content`` worth a comment, each with the model's comment."""
    _check_tone(tone, prompts.COMMENT_TONES)
    _check_density(density)
    if not content.strip():
        return []
    prompt = prompts.build_comment_prompt(content, _instructions(instructions), tone, density)
    reply = await _ask(client, prompt, "comments", sampling)
    return parsers.parse_comments(reply, content)


async def detect_highlights(
    content: str,
    client: InferenceClient,
    *,
    instructions: str | None = None,
    density: float | None = None,
    sampling: Sampling = HIGHLIGHT_SAMPLING,
) -> list[HighlightMatch]:
    """Passages of ``content`` worth highlighting."""
    _check_density(density)
    if not content.strip():
        return []
    prompt = prompts.build_highlight_prompt(content, _instructions(instructions), density)
    reply = await _ask(client, prompt, "highlights", sampling)
    return parsers.parse_highlights(reply, content)


async def detect_assessments(
    content: str,
    client: InferenceClient,
    *,
    instructions: str | None = None,
    tone: AssessmentTone | None = None,
    density: float | None = None,
    sampling: Sampling = ASSESSMENT_SAMPLING,
) -> list[AssessmentMatch]:
    """Passages of ``content`` worth assessing, each with the model's assessment."""
    _check_tone(tone, prompts.ASSESSMENT_TONES)
    _check_density(density)
    if not content.strip():
        return []
    prompt = prompts.build_assessment_prompt(content, _instructions(instructions), tone, density)
    reply = await _ask(client, prompt, "assessments", sampling)
    return parsers.parse_assessments(reply, content)


async def detect_tags(
    content: str,
    client: InferenceClient,
    *,
    schema_id: str,
    category: str,
    sampling: Sampling = TAG_SAMPLING,
) -> list[TagMatch]:
    """Passages of ``content`` that play the role ``category`` of the schema ``schema_id``.

    Raises :class:`UnknownTagSchemaError`/:class:`UnknownTagCategoryError`
    (not retryable) before calling the model when either is unknown.
    """
    schema, tag_category = get_tag_category(schema_id, category)
    if not content.strip():
        return []
    prompt = prompts.build_tag_prompt(content, schema, tag_category)
    reply = await _ask(client, prompt, f"tags ({schema_id}/{category})", sampling)
    return parsers.parse_tags(reply, content, schema.id, tag_category.name)


async def detect_entities(
    content: str,
    client: InferenceClient,
    entity_types: Iterable[EntityTypeLike],
    *,
    include_descriptive_references: bool | None = False,
    sampling: Sampling = ENTITY_SAMPLING,
) -> list[EntityMatch]:
    """Mentions in ``content`` of entities of ``entity_types``, one model call per type.

    With ``include_descriptive_references`` the model is also asked for
    descriptive phrases ("the physicist"), never bare pronouns. Every type is
    checked before the first call (:class:`InvalidDetectionOptionError`).
    """
    types = [entity_type_of(value) for value in entity_types]
    if not content.strip():
        return []
    matches: list[EntityMatch] = []
    for entity_type in types:
        prompt = prompts.build_entity_prompt(content, [entity_type], bool(include_descriptive_references))
        reply = await _ask(client, prompt, f"entities ({entity_type.name})", sampling)
        matches.extend(parsers.parse_entities(reply, content, entity_type.name))
    return matches


async def _ask(client: InferenceClient, prompt: str, task: str, sampling: Sampling) -> str:
    response = await client.generate_text_with_metadata(prompt, sampling.max_tokens, sampling.temperature)
    if response.stop_reason == "max_tokens":
        raise TruncatedReplyError(task, sampling.max_tokens)
    return response.text


def _instructions(instructions: str | None) -> str | None:
    return instructions if instructions and instructions.strip() else None


def _check_tone(tone: str | None, tones: Collection[str]) -> None:
    if tone is not None and tone not in tones:
        raise InvalidDetectionOptionError("tone", tone, f"expected one of {', '.join(tones)}")


def _check_density(density: float | None) -> None:
    if density is None:
        return
    if isinstance(density, bool) or not isinstance(density, int | float):
        raise InvalidDetectionOptionError("density", density, "expected a number")
    if not math.isfinite(density) or density <= 0:
        raise InvalidDetectionOptionError("density", density, "expected a positive number")
