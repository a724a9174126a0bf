"""Turn a model's reply into anchored, typed matches.

Parsers never raise on a bad reply: items with missing or wrongly typed keys,
blank quotes or blank comments, a body that only repeats the prompt's
placeholder, and quotes that cannot be found in the text are dropped with a
logged warning. A repeated item is dropped, and a reply that keeps repeating
itself is read no further. Offsets, ``exact``, ``prefix`` and ``suffix`` of
every match come from the text itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, TypeVar

import attrs

from semiont_jobs.application.detection.anchoring import Anchor, TextAnchorer
from semiont_jobs.application.detection.errors import QuoteNotFoundError
from semiont_jobs.application.detection.matches import (
    AnchoredMatch,
    AssessmentMatch,
    CommentMatch,
    EntityMatch,
    HighlightMatch,
    TagMatch,
)
from semiont_jobs.application.detection.prompts import PLACEHOLDERS
from semiont_jobs.application.detection.reply_items import reply_items

log = logging.getLogger(__name__)

M = TypeVar("M", bound=AnchoredMatch)

LOOP_REPEATS: Final = 3
"""This many repeated items in a row: the model is looping, and the rest of the reply is not read."""


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
    if value.strip() in PLACEHOLDERS:
        raise _Dropped(f"{key!r} only repeats the prompt's placeholder {value.strip()!r}")
    return value


def _hint(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise _Dropped(f"{key!r} is {value!r}, not a string")
    return value


def _anchored_items(
    reply: str, text: str, task: str, keys: _Keys, truncated: bool
) -> Iterator[tuple[Anchor, Mapping[str, Any]]]:
    anchorer = TextAnchorer(text)
    for index, item in enumerate(reply_items(reply, task=task, truncated=truncated)):
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
    reply: str,
    text: str,
    task: str,
    keys: _Keys,
    build: Callable[[Anchor, Mapping[str, Any]], M | None],
    truncated: bool = False,
) -> list[M]:
    matches: list[M] = []
    seen: set[tuple[object, ...]] = set()
    repeats = 0
    for anchor, item in _anchored_items(reply, text, task, keys, truncated):
        match = build(anchor, item)
        if match is None:
            continue
        identity = _identity(match)
        if identity in seen:
            log.debug("%s: dropping a repeat of %r at %d-%d", task, match.exact, match.start, match.end)
            repeats += 1
            if repeats >= LOOP_REPEATS:
                log.warning("%s: the reply repeats itself; reading no further", task)
                break
            continue
        repeats = 0
        seen.add(identity)
        matches.append(match)
    return matches


def _identity(match: AnchoredMatch) -> tuple[object, ...]:
    """The span and what was said of it, however it was anchored."""
    said = attrs.asdict(match, recurse=False)
    del said["anchor"]
    return (match.start, match.end, *sorted(said.items()))


def parse_comments(reply: str, text: str, *, truncated: bool = False) -> list[CommentMatch]:
    """Comments in ``reply``, anchored in ``text``."""
    return _parse(
        reply,
        text,
        "comments",
        _Keys(texts=("comment",)),
        lambda anchor, item: CommentMatch(anchor=anchor, comment=item["comment"].strip()),
        truncated,
    )


def parse_highlights(reply: str, text: str, *, truncated: bool = False) -> list[HighlightMatch]:
    """Highlights in ``reply``, anchored in ``text``."""
    build: Callable[[Anchor, Mapping[str, Any]], HighlightMatch] = lambda anchor, _item: HighlightMatch(  # noqa: E731
        anchor=anchor
    )
    return _parse(reply, text, "highlights", _Keys(), build, truncated)


def parse_assessments(reply: str, text: str, *, truncated: bool = False) -> list[AssessmentMatch]:
    """Assessments in ``reply``, anchored in ``text``."""
    return _parse(
        reply,
        text,
        "assessments",
        _Keys(texts=("assessment",)),
        lambda anchor, item: AssessmentMatch(anchor=anchor, assessment=item["assessment"].strip()),
        truncated,
    )


def parse_tags(
    reply: str, text: str, schema_id: str, category: str, *, truncated: bool = False
) -> list[TagMatch]:
    """Passages of ``category`` in ``reply``, anchored in ``text``."""
    return _parse(
        reply,
        text,
        f"tags ({schema_id}/{category})",
        _Keys(),
        lambda anchor, _item: TagMatch(anchor=anchor, schema_id=schema_id, category=category),
        truncated,
    )


def parse_entities(
    reply: str, text: str, entity_types: str | Sequence[str], *, truncated: bool = False
) -> list[EntityMatch]:
    """Mentions of ``entity_types`` in ``reply``, anchored in ``text``, each under its type.

    An item labelled with one of the types (in any case) is kept under it; one
    labelled with another type is dropped; an unlabelled one is taken to be of
    the type asked for when only one was.
    """
    names = [entity_types] if isinstance(entity_types, str) else list(entity_types)
    by_label = {name.casefold(): name for name in names}
    task = f"entities ({', '.join(names)})"

    def build(anchor: Anchor, item: Mapping[str, Any]) -> EntityMatch | None:
        label = item.get("entityType")
        if label is None and len(names) == 1:
            return EntityMatch(anchor=anchor, entity_type=names[0])
        name = by_label.get(label.strip().casefold()) if isinstance(label, str) else None
        if name is None:
            log.warning("%s: dropping %r labelled %r", task, anchor.exact, label)
            return None
        return EntityMatch(anchor=anchor, entity_type=name)

    return _parse(reply, text, task, _Keys(start="startOffset", end="endOffset"), build, truncated)
