"""Named consumers' cursors: the last sequence number each has acknowledged."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from semiont_jobs.adapters.helpers.durable_files import fsync_dir, write_atomic
from semiont_jobs.adapters.helpers.shared_files import UnreadableFileError, read_shared
from semiont_jobs.ports.errors import EventBusError

CURSOR_BYTES = 4096
"""A cursor file is a short JSON object; a longer one is unreadable."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_consumer_name(name: str) -> str:
    """``name`` if it can name a consumer (letters, digits, ``.``, ``_``, ``-``; up to 100)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(
            f"consumer name {name!r} is not allowed: use 1 to 100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


class CursorStore:
    """Cursors kept as ``<directory>/<name>.json``, each replaced atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, name: str) -> int | None:
        """The last seq ``name`` acknowledged, ``None`` when it never did."""
        path = self.directory / f"{check_consumer_name(name)}.json"
        try:
            found = read_shared(str(path), CURSOR_BYTES)
            if found is None:
                return None
            record = json.loads(found[0])
        except (OSError, ValueError, RecursionError, UnreadableFileError) as exc:
            raise EventBusError(f"cursor of consumer {name!r} at {path} is unreadable: {exc}") from exc
        seq = record.get("seq") if isinstance(record, dict) else None
        if not isinstance(seq, int) or seq < 0:
            raise EventBusError(f"cursor of consumer {name!r} at {path} has no valid seq")
        return seq

    def set(self, name: str, seq: int) -> None:
        """Record durably that ``name`` has processed every event up to ``seq``."""
        check_consumer_name(name)
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValueError(f"seq must be a non-negative integer, got {seq!r}")
        path = self.directory / f"{name}.json"
        try:
            os.makedirs(self.directory, exist_ok=True)
            write_atomic(path, json.dumps({"consumer": name, "seq": seq}).encode(), fsync=True)
            fsync_dir(self.directory)
        except OSError as exc:
            raise EventBusError(f"cannot store the cursor of consumer {name!r} at {path}: {exc}") from exc

    def all(self) -> dict[str, int]:
        """Every named consumer's cursor."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return {}
        cursors = {}
        for file_name in names:
            stem = file_name.removesuffix(".json")
            if file_name.endswith(".json") and _NAME.fullmatch(stem):
                seq = self.get(stem)
                if seq is not None:
                    cursors[stem] = seq
        return cursors
