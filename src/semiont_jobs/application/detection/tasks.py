"""The five kinds of detection as chunk tasks: each one's prompt, reply schema and parser."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, Generic, TypeVar

import attrs

from semiont_jobs.application.detection import parsers
from semiont_jobs.application.detection.entities import EntityType
from semiont_jobs.application.detection.matches import AnchoredMatch
from semiont_jobs.application.detection.reply_items import ITEMS_KEY
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.inference_client import ReplyFormat

M = TypeVar("M", bound=AnchoredMatch)

CONTEXT_CHARS: Final = 64
"""The longest prefix or suffix a reply may give (the prompts ask for 32)."""
TEXT_CHARS: Final = 500
"""The longest comment or assessment a reply may give."""
LONGEST_STRING: Final = 1000
"""No string of a schema is allowed more: llama.cpp's server turns a length bound into a grammar rule per
character, and one past about 1,500 makes it refuse the grammar (and its Python server die)."""


def _string(max_length: int) -> JsonObject:
    return {"type": "string", "maxLength": max_length}


def item_schema(
    *,
    exact_chars: int,
    offsets: tuple[str, str] = ("start", "end"),
    extra: dict[str, JsonObject] | None = None,
) -> JsonObject:
    """The JSON Schema of one reply item: the quote, its offsets and context, and the kind's own keys."""
    properties: dict[str, JsonObject] = {
        "exact": _string(exact_chars),
        offsets[0]: {"type": "integer"},
        offsets[1]: {"type": "integer"},
        "prefix": _string(CONTEXT_CHARS),
        "suffix": _string(CONTEXT_CHARS),
        **(extra or {}),
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def reply_format(name: str, item: JsonObject, max_items: int) -> ReplyFormat:
    """A reply holding at most ``max_items`` items of schema ``item`` under ``"items"``."""
    schema = {
        "type": "object",
        "properties": {ITEMS_KEY: {"type": "array", "items": item, "maxItems": max_items}},
        "required": [ITEMS_KEY],
        "additionalProperties": False,
    }
    return ReplyFormat(name=name, schema=schema)


@attrs.frozen(kw_only=True)
class Task(Generic[M]):
    """A :class:`~semiont_jobs.application.detection.chunked.ChunkTask` from its parts."""

    name: str
    format_name: str
    temperature: float
    item_tokens: int
    item: JsonObject
    build_prompt: Callable[[str], str]
    parse_reply: Callable[[str, str, bool], list[M]]

    def prompt(self, text: str) -> str:
        return self.build_prompt(text)

    def reply_format(self, max_items: int) -> ReplyFormat:
        return reply_format(self.format_name, self.item, max_items)

    def parse(self, reply: str, text: str, *, truncated: bool) -> list[M]:
        return self.parse_reply(reply, text, truncated)


PASSAGE_ITEM: Final = item_schema(exact_chars=500)
COMMENT_ITEM: Final = item_schema(exact_chars=500, extra={"comment": _string(TEXT_CHARS)})
ASSESSMENT_ITEM: Final = item_schema(exact_chars=500, extra={"assessment": _string(TEXT_CHARS)})
TAG_ITEM: Final = item_schema(exact_chars=LONGEST_STRING)


def entity_item(entity_types: Sequence[EntityType]) -> JsonObject:
    """A mention's schema: its type is one of ``entity_types``."""
    names: list[Any] = [entity_type.name for entity_type in entity_types]
    return item_schema(
        exact_chars=200,
        offsets=("startOffset", "endOffset"),
        extra={"entityType": {"type": "string", "enum": names}},
    )


def entity_parser(names: list[str]) -> Callable[[str, str, bool], list[Any]]:
    return lambda reply, text, truncated: parsers.parse_entities(reply, text, names, truncated=truncated)
