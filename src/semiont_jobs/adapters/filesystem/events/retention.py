"""Removing old segments of the event log; never the newest one."""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path

from semiont_jobs.adapters.filesystem.events.event_log import list_segments


def apply_retention(
    directory: Path,
    cursors: dict[str, int],
    *,
    max_age: float | None,
    max_bytes: int | None,
    now: float,
) -> list[Path]:
    """Remove the oldest segments older than ``max_age`` seconds, or beyond ``max_bytes`` in all,
    but only those every named consumer in ``cursors`` has read to the end. Return what was removed."""
    segments = list_segments(directory)
    floor = min(cursors.values()) if cursors else None
    sizes = [_size(segment.path) for segment in segments]
    total = sum(sizes)
    removed = []
    for segment, following, size in zip(segments, segments[1:], sizes, strict=False):
        if floor is not None and following.start - 1 > floor:
            break
        too_old = max_age is not None and now - _mtime(segment.path) > max_age
        too_big = max_bytes is not None and total > max_bytes
        if not (too_old or too_big):
            break
        _remove(segment.path)
        total -= size
        removed.append(segment.path)
    return removed


def compact(directory: Path, before_seq: int) -> list[Path]:
    """Remove every segment whose events all come before ``before_seq``, read or not."""
    segments = list_segments(directory)
    removed = []
    for segment, following in itertools.pairwise(segments):
        if following.start > before_seq:
            break
        _remove(segment.path)
        removed.append(segment.path)
    return removed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
