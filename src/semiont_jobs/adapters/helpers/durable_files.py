"""Durable files: all-or-nothing replacement (a crash leaves the old content or the new, never a
mix), and the syncs that make writes and renames survive a power cut."""

from __future__ import annotations

import contextlib
import os
import secrets

TEMP_SUFFIX = ".tmp"


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of our temporary files (hidden, ``.tmp`` suffix)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def write_atomic(path: str | os.PathLike[str], data: bytes, *, fsync: bool) -> int:
    """Replace ``path`` with ``data`` through a temporary file in the same folder; return its inode.

    The temporary file is flushed (and fsynced when ``fsync``) before it is
    renamed over ``path``, so readers see either the old file or the new one.
    """
    folder, name = os.path.split(os.fspath(path))
    temp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if fsync:
                os.fsync(fd)
            inode = os.fstat(fd).st_ino
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return inode


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make the latest creations, renames and removals in the folder ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def datasync(fd: int) -> None:
    """Make what was written to ``fd`` durable (its data, and the metadata needed to read it)."""
    getattr(os, "fdatasync", os.fsync)(fd)
