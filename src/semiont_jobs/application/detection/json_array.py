"""Find the one JSON array in a model's reply, however it was wrapped."""

from __future__ import annotations

import json
import logging
import re
from typing import Final

log = logging.getLogger(__name__)

_FENCED: Final = re.compile(r"```[^\n`]*\n?(.*?)```", re.DOTALL)
_MAX_ARRAY_STARTS: Final = 50


def extract_json_array(reply: str, *, task: str = "detection") -> list[object]:
    """Return the JSON array in ``reply``, or ``[]`` with a logged warning when there is none.

    Accepts the array bare, inside a code fence (with or without a language
    tag), or with prose before and after it. A reply that is valid JSON but not
    an array, is not JSON, is nested too deeply to read, or is empty, gives
    ``[]``; this never raises.
    """
    text = reply.strip()
    if not text:
        log.warning("%s: the model's reply is empty", task)
        return []
    bodies = [text, *(block.strip() for block in _FENCED.findall(text))]
    for body in bodies:
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, list):
            return value
        log.warning("%s: the model replied with a JSON %s, not an array", task, type(value).__name__)
        return []
    found = _first_embedded_array(text)
    if found is None:
        log.warning("%s: no JSON array in the model's reply: %r", task, _preview(text))
        return []
    return found


def _first_embedded_array(text: str) -> list[object] | None:
    decoder = json.JSONDecoder()
    at = text.find("[")
    tries = 0
    while at != -1 and tries < _MAX_ARRAY_STARTS:
        tries += 1
        try:
            value, _end = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            at = text.find("[", at + 1)
            continue
        if isinstance(value, list):
            return value
        at = text.find("[", at + 1)
    return None


def _preview(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
