"""The on-disk event log: line format and segment files.

A log is a directory of segment files named by the sequence number of their
first event (``00000000000000000001.jsonl``). Each line is one JSON object
``{"seq", "time", "channel", "scope", "payload"}`` ending in ``\\n``.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from semiont_jobs.codec import format_time, parse_time
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.errors import EventBusError
from semiont_jobs.ports.event_bus import Event

SEGMENT_SUFFIX = ".jsonl"
_SEQ_PREFIX = b'{"seq":'


@attrs.frozen
class Segment:
    """One segment file; ``start`` is the sequence number of its first event."""

    start: int
    path: Path


def segment_path(directory: Path, start: int) -> Path:
    return directory / f"{start:020d}{SEGMENT_SUFFIX}"


def _regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a link, folder or FIFO someone gave a segment's name)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def list_segments(directory: Path) -> list[Segment]:
    """The segments in ``directory``, oldest first (none when it does not exist).

    Entries named like segments that are no regular files are no segments.
    """
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        stem = name[: -len(SEGMENT_SUFFIX)]
        if name.endswith(SEGMENT_SUFFIX) and stem.isdigit() and _regular(directory / name):
            found.append(Segment(int(stem), directory / name))
    found.sort(key=lambda segment: segment.start)
    return found


def encode_body(channel: str, scope: ResourceId | None, time: datetime, payload: JsonObject) -> bytes:
    """The line for an event, still without its sequence number; see :func:`stamp`."""
    if not isinstance(channel, str) or not channel:
        raise EventBusError(f"channel must be a non-empty string, got {channel!r}")
    try:
        text = json.dumps(
            {"time": format_time(time), "channel": channel, "scope": scope, "payload": payload},
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise EventBusError(f"payload on channel {channel!r} is not JSON: {exc}") from exc
    # A lone surrogate can only stand in a string, where its backslash form is the JSON escape for it.
    return text[1:].encode("utf-8", "backslashreplace") + b"\n"


def stamp(seq: int, body: bytes) -> bytes:
    """The complete line: ``body`` from :func:`encode_body` with ``seq`` in front."""
    return _SEQ_PREFIX + str(seq).encode() + b"," + body


class BadLineError(ValueError):
    """A line of the log is not an event (a torn write, or foreign text)."""


def decode_line(line: bytes) -> Event:
    """The event on one complete line (without its ``\\n``); raise :class:`BadLineError` otherwise."""
    try:
        record: Any = json.loads(line)
        seq, channel, scope, payload = record["seq"], record["channel"], record["scope"], record["payload"]
        time = parse_time(record["time"])
    except (ValueError, TypeError, KeyError) as exc:
        raise BadLineError(f"not an event: {exc}") from exc
    except RecursionError:
        raise BadLineError("not an event: nested too deeply") from None
    if not (isinstance(seq, int) and isinstance(channel, str) and isinstance(payload, dict)):
        raise BadLineError("an event needs an integer seq, a string channel and an object payload")
    if scope is not None and not isinstance(scope, str):
        raise BadLineError("scope must be a string or null")
    return Event(
        channel=channel,
        payload=payload,
        scope=ResourceId(scope) if scope is not None else None,
        time=time,
        seq=seq,
    )
