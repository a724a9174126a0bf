"""Turn a model's reply into anchored, typed matches.

Parsers never raise on a bad reply: items with missing or wrongly typed keys,
blank quotes or blank comments are dropped with a logged warning, and so are
quotes that cannot be found in the text. Offsets, ``exact``, ``prefix`` and
``suffix`` of every match come from the text itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from semiont_jobs.application.detection.anchoring import Anchor, TextAnchorer
from semiont_jobs.application.detection.errors import QuoteNotFoundError
from semiont_jobs.application.detection.json_array import extract_json_array
from semiont_jobs.application.detection.matches import (
    AnchoredMatch,
    AssessmentMatch,
    CommentMatch,
    EntityMatch,
    HighlightMatch,
    TagMatch,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=AnchoredMatch)


class _Dropped(Exception):
    """An item of the reply is unusable; the message says why."""


@attrs.frozen
class _Keys:
    """Where an item keeps its quote's offsets, and which text keys it must have."""

    start: str = "start"
    end: str = "end"
    texts: tuple[str, ...] = ()


def _offset(item: Mapping[str, Any], key: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Dropped(f"{key!r} is {value!r}, not a number")
    if isinstance(value, float) and not value.is_integer():
        raise _Dropped(f"{key!r} is {value!r}, not a whole number")
    return int(value)


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Dropped(f"{key!r} is {value!r}, not a non-empty string")
    return value


def _hint(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise _Dropped(f"{key!r} is {value!r}, not a string")
    return value


def _anchored_items(
    reply: str, text: str, task: str, keys: _Keys
) -> Iterator[tuple[Anchor, Mapping[str, Any]]]:
    anchorer = TextAnchorer(text)
    for index, item in enumerate(extract_json_array(reply, task=task)):
        try:
            if not isinstance(item, Mapping):
                raise _Dropped(f"it is {type(item).__name__}, not an object")
            exact = _text(item, "exact")
            start, end = _offset(item, keys.start), _offset(item, keys.end)
            for key in keys.texts:
                _text(item, key)
            prefix, suffix = _hint(item, "prefix"), _hint(item, "suffix")
            anchor = anchorer.anchor(start, end, exact, prefix=prefix, suffix=suffix)
        except (_Dropped, QuoteNotFoundError) as exc:
            log.warning("%s: dropping item %d: %s", task, index, exc)
            continue
        if anchor.corrected:
            log.debug(
                "%s: item %d moved from %d-%d to %d-%d (%s)",
                task,
                index,
                start,
                end,
                anchor.start,
                anchor.end,
                anchor.method,
            )
        yield anchor, item


def _parse(
    reply: str, text: str, task: str, keys: _Keys, build: Callable[[Anchor, Mapping[str, Any]], M | None]
) -> list[M]:
    matches: list[M] = []
    seen: set[tuple[object, ...]] = set()
    for anchor, item in _anchored_items(reply, text, task, keys):
        match = build(anchor, item)
        if match is None:
            continue
        identity = _identity(match)
        if identity in seen:
            log.debug("%s: dropping a repeat of %r at %d-%d", task, match.exact, match.start, match.end)
            continue
        seen.add(identity)
        matches.append(match)
    return matches


def _identity(match: AnchoredMatch) -> tuple[object, ...]:
    """The span and what was said of it, however it was anchored."""
    said = attrs.asdict(match, recurse=False)
    del said["anchor"]
    return (match.start, match.end, *sorted(said.items()))


def parse_comments(reply: str, text: str) -> list[CommentMatch]:
    """Comments in ``reply``, anchored in ``text``."""
    return _parse(
        reply,
        text,
        "comments",
        _Keys(texts=("comment",)),
        lambda anchor, item: CommentMatch(anchor=anchor, comment=item["comment"].strip()),
    )


def parse_highlights(reply: str, text: str) -> list[HighlightMatch]:
    """Highlights in ``reply``, anchored in ``text``."""
    return _parse(reply, text, "highlights", _Keys(), lambda anchor, _item: HighlightMatch(anchor=anchor))


def parse_assessments(reply: str, text: str) -> list[AssessmentMatch]:
    """Assessments in ``reply``, anchored in ``text``."""
    return _parse(
        reply,
        text,
        "assessments",
        _Keys(texts=("assessment",)),
        lambda anchor, item: AssessmentMatch(anchor=anchor, assessment=item["assessment"].strip()),
    )


def parse_tags(reply: str, text: str, schema_id: str, category: str) -> list[TagMatch]:
    """Passages of ``category`` in ``reply``, anchored in ``text``."""
    return _parse(
        reply,
        text,
        f"tags ({schema_id}/{category})",
        _Keys(),
        lambda anchor, _item: TagMatch(anchor=anchor, schema_id=schema_id, category=category),
    )


def parse_entities(reply: str, text: str, entity_type: str) -> list[EntityMatch]:
    """Mentions of ``entity_type`` in ``reply``, anchored in ``text``.

    An item labelled with another type is dropped; an unlabelled one is taken
    to be of ``entity_type``.
    """
    task = f"entities ({entity_type})"

    def build(anchor: Anchor, item: Mapping[str, Any]) -> EntityMatch | None:
        label = item.get("entityType")
        same = isinstance(label, str) and label.strip().casefold() == entity_type.casefold()
        if label is not None and not same:
            log.warning("%s: dropping %r labelled %r", task, anchor.exact, label)
            return None
        return EntityMatch(anchor=anchor, entity_type=entity_type)

    return _parse(reply, text, task, _Keys(start="startOffset", end="endOffset"), build)
