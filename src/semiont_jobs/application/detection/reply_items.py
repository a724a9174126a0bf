"""The items of a model's reply: a JSON array, or the ``items`` of a structured reply, or what a cut
reply held whole before it was cut."""

from __future__ import annotations

import json
import logging
import re
from typing import Final

from semiont_jobs.application.detection.json_array import extract_json_array

log = logging.getLogger(__name__)

ITEMS_KEY: Final = "items"
"""Where a structured reply keeps its list."""
_OPENING: Final = re.compile(r'\[|\{\s*"items"\s*:\s*\[')
_BETWEEN: Final = re.compile(r"\s*,?\s*")


def reply_items(reply: str, *, task: str, truncated: bool = False) -> list[object]:
    """The list in ``reply``: bare, fenced, with prose around it, or as ``{"items": [...]}``.

    A reply cut at its token limit gives the items that were complete before the
    cut. Never raises; a reply with no list gives ``[]`` (logged).
    """
    if truncated:
        return complete_items(reply, task=task)
    try:
        value = json.loads(reply)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, dict) and isinstance(value.get(ITEMS_KEY), list):
        items: list[object] = value[ITEMS_KEY]
        return items
    return extract_json_array(reply, task=task)


def complete_items(reply: str, *, task: str) -> list[object]:
    """The items of a JSON list that was cut off, up to the last one that is whole."""
    opening = _OPENING.search(reply)
    if opening is None:
        log.warning("%s: the reply was cut off before its list began", task)
        return []
    decoder = json.JSONDecoder()
    items: list[object] = []
    at = opening.end()
    while True:
        at = _BETWEEN.match(reply, at).end()  # type: ignore[union-attr]
        if at >= len(reply) or reply[at] == "]":
            return items
        try:
            item, at = decoder.raw_decode(reply, at)
        except (ValueError, RecursionError):
            log.info("%s: kept %d whole items of a reply cut off at its token limit", task, len(items))
            return items
        items.append(item)
