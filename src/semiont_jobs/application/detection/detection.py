"""The detection entry points: a text and a model in, anchored matches out.

Each ``detect_*`` function asks the model about the whole text, one chunk at a
time (see :mod:`.chunked`), with the reference's temperatures and a reply
budget derived from the model's limits, and returns the matches whose quotes
were found in the text, with offsets in the whole text. ``on_chunk`` hears of
each chunk done; ``stats`` adds up the calls and tokens spent.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Final

from semiont_jobs.application.detection import parsers, prompts
from semiont_jobs.application.detection.budget import DetectionSettings
from semiont_jobs.application.detection.chunk_task import DetectionStats
from semiont_jobs.application.detection.chunked import ChunkProgress, detect_in_chunks
from semiont_jobs.application.detection.entities import EntityTypeLike, entity_type_of
from semiont_jobs.application.detection.errors import ContentDecodeError, InvalidDetectionOptionError
from semiont_jobs.application.detection.matches import (
    AssessmentMatch,
    CommentMatch,
    EntityMatch,
    HighlightMatch,
    TagMatch,
)
from semiont_jobs.application.detection.tag_schemas import get_tag_category
from semiont_jobs.application.detection.tasks import (
    ASSESSMENT_ITEM,
    COMMENT_ITEM,
    PASSAGE_ITEM,
    TAG_ITEM,
    Task,
    entity_item,
    entity_parser,
)
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.vocabulary import AssessmentTone, CommentTone
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.inference_client import InferenceClient

COMMENT_TEMPERATURE: Final = 0.4
HIGHLIGHT_TEMPERATURE: Final = 0.3
ASSESSMENT_TEMPERATURE: Final = 0.3
TAG_TEMPERATURE: Final = 0.2
ENTITY_TEMPERATURE: Final = 0.3
DEFAULT_SETTINGS: Final = DetectionSettings()


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
    settings: DetectionSettings = DEFAULT_SETTINGS,
    on_chunk: ChunkProgress | None = None,
    stats: DetectionStats | None = None,
) -> list[CommentMatch]:
    """Passages of ``content`` worth a comment, each with the model's comment."""
    _check_tone(tone, prompts.COMMENT_TONES)
    _check_density(density)
    if not content.strip():
        return []
    instructions = _instructions(instructions)
    task = Task(
        name="comments",
        format_name="comments",
        temperature=COMMENT_TEMPERATURE,
        item_tokens=140,
        item=COMMENT_ITEM,
        build_prompt=lambda text: prompts.build_comment_prompt(text, instructions, tone, density),
        parse_reply=lambda reply, text, cut: parsers.parse_comments(reply, text, truncated=cut),
    )
    return await detect_in_chunks(content, client, task, settings, on_chunk=on_chunk, stats=stats)


async def detect_highlights(
    content: str,
    client: InferenceClient,
    *,
    instructions: str | None = None,
    density: float | None = None,
    settings: DetectionSettings = DEFAULT_SETTINGS,
    on_chunk: ChunkProgress | None = None,
    stats: DetectionStats | None = None,
) -> list[HighlightMatch]:
    """Passages of ``content`` worth highlighting."""
    _check_density(density)
    if not content.strip():
        return []
    instructions = _instructions(instructions)
    task = Task(
        name="highlights",
        format_name="highlights",
        temperature=HIGHLIGHT_TEMPERATURE,
        item_tokens=80,
        item=PASSAGE_ITEM,
        build_prompt=lambda text: prompts.build_highlight_prompt(text, instructions, density),
        parse_reply=lambda reply, text, cut: parsers.parse_highlights(reply, text, truncated=cut),
    )
    return await detect_in_chunks(content, client, task, settings, on_chunk=on_chunk, stats=stats)


async def detect_assessments(
    content: str,
    client: InferenceClient,
    *,
    instructions: str | None = None,
    tone: AssessmentTone | None = None,
    density: float | None = None,
    settings: DetectionSettings = DEFAULT_SETTINGS,
    on_chunk: ChunkProgress | None = None,
    stats: DetectionStats | None = None,
) -> list[AssessmentMatch]:
    """Passages of ``content`` worth assessing, each with the model's assessment."""
    _check_tone(tone, prompts.ASSESSMENT_TONES)
    _check_density(density)
    if not content.strip():
        return []
    instructions = _instructions(instructions)
    task = Task(
        name="assessments",
        format_name="assessments",
        temperature=ASSESSMENT_TEMPERATURE,
        item_tokens=140,
        item=ASSESSMENT_ITEM,
        build_prompt=lambda text: prompts.build_assessment_prompt(text, instructions, tone, density),
        parse_reply=lambda reply, text, cut: parsers.parse_assessments(reply, text, truncated=cut),
    )
    return await detect_in_chunks(content, client, task, settings, on_chunk=on_chunk, stats=stats)


async def detect_tags(
    content: str,
    client: InferenceClient,
    *,
    schema_id: str,
    category: str,
    settings: DetectionSettings = DEFAULT_SETTINGS,
    on_chunk: ChunkProgress | None = None,
    stats: DetectionStats | None = None,
) -> list[TagMatch]:
    """Passages of ``content`` that play the role ``category`` of the schema ``schema_id``.

    Raises :class:`UnknownTagSchemaError`/:class:`UnknownTagCategoryError`
    (not retryable) before calling the model when either is unknown.
    """
    schema, tag_category = get_tag_category(schema_id, category)
    if not content.strip():
        return []
    task = Task(
        name=f"tags ({schema_id}/{category})",
        format_name="tagged_passages",
        temperature=TAG_TEMPERATURE,
        item_tokens=120,
        item=TAG_ITEM,
        build_prompt=lambda text: prompts.build_tag_prompt(text, schema, tag_category),
        parse_reply=lambda reply, text, cut: parsers.parse_tags(
            reply, text, schema.id, tag_category.name, truncated=cut
        ),
    )
    return await detect_in_chunks(content, client, task, settings, on_chunk=on_chunk, stats=stats)


async def detect_entities(
    content: str,
    client: InferenceClient,
    entity_types: Iterable[EntityTypeLike],
    *,
    include_descriptive_references: bool | None = False,
    settings: DetectionSettings = DEFAULT_SETTINGS,
    on_chunk: ChunkProgress | None = None,
    stats: DetectionStats | None = None,
) -> list[EntityMatch]:
    """Mentions in ``content`` of entities of ``entity_types``, all types asked for in one pass.

    With ``include_descriptive_references`` the model is also asked for
    descriptive phrases ("the physicist"), never bare pronouns. Every type is
    checked before the first call (:class:`InvalidDetectionOptionError`); each
    mention is kept under the requested type the model labels it with.
    """
    types = list(
        {entity_type.name: entity_type for entity_type in map(entity_type_of, entity_types)}.values()
    )
    if not content.strip() or not types:
        return []
    descriptive = bool(include_descriptive_references)
    task = Task(
        name=f"entities ({', '.join(entity_type.name for entity_type in types)})",
        format_name="entity_mentions",
        temperature=ENTITY_TEMPERATURE,
        item_tokens=50,
        item=entity_item(types),
        build_prompt=lambda text: prompts.build_entity_prompt(text, types, descriptive),
        parse_reply=entity_parser([entity_type.name for entity_type in types]),
    )
    return await detect_in_chunks(content, client, task, settings, on_chunk=on_chunk, stats=stats)


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
