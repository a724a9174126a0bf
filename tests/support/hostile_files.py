"""Every kind of entry a hostile user (or a broken tool) can leave where a job file should be."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from semiont_jobs import job_to_json
from semiont_jobs.testing.jobs import pending


def folder(data_dir: Path, name: str) -> Path:
    """``<data_dir>/jobs/<name>``, created."""
    path = data_dir / "jobs" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def names_in(path: Path) -> list[str]:
    return sorted(entry.name for entry in path.iterdir())


def lexists(path: Path) -> bool:
    return os.path.lexists(path)


DEEP = b'{"status": "pending", "metadata": {}, "params": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def content(raw: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(raw)
        os.utime(path, (time.time() - 3600,) * 2)

    return make


def folder_with_files(path: Path) -> None:
    path.mkdir()
    (path / "inner.json").write_text("{}")


def sparse(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(3 * 2**30)


def far_future_invalid(path: Path) -> None:
    path.write_bytes(b"{")
    os.utime(path, (4e11, 4e11))


ENTRIES: dict[str, Callable[[Path], None]] = {
    # Each makes the entry at a path ending in ``.json``; none is a readable job file.
    "list-status": content(json.dumps({"status": [], "metadata": {}}).encode()),
    "dict-type": content(json.dumps({"status": "pending", "metadata": {"type": {}}}).encode()),
    "deep-nesting": content(DEEP),
    "nan": content(job_to_json(pending("x")).replace(b'"res-1"', b"NaN")),
    "binary": content(bytes(range(256)) * 4),
    "empty": content(b""),
    "folder": lambda path: path.mkdir(),
    "folder-with-files": folder_with_files,
    "fifo": lambda path: os.mkfifo(path),
    "link-to-dev-zero": lambda path: path.symlink_to("/dev/zero"),
    "link-to-a-folder": lambda path: path.symlink_to(path.parent),
    "dangling-link": lambda path: path.symlink_to(path.parent / "nowhere"),
    "huge-sparse-file": sparse,
    "far-future-mtime": far_future_invalid,
}
