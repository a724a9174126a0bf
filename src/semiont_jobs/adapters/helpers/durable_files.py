"""Durable files: all-or-nothing replacement (a crash leaves the old content or the new, never a
mix), and the syncs that make writes and renames survive a power cut, one file or many at once."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, wait

import attrs

TEMP_SUFFIX = ".tmp"


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of our temporary files (hidden, ``.tmp`` suffix)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


@attrs.define
class StagedFile:
    """New content for ``path`` written in full to the file ``temp`` (beside it, or a spare elsewhere on
    the same filesystem), still open, not yet in place."""

    path: str
    temp: str
    fd: int
    inode: int

    def close(self) -> None:
        """Close the temporary file's descriptor (idempotent)."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    def discard(self) -> None:
        """Close and delete the temporary file (idempotent)."""
        with contextlib.suppress(OSError):
            self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


def stage(path: str | os.PathLike[str], data: bytes) -> StagedFile:
    """Write ``data`` to a new temporary file in ``path``'s folder; rename it over ``path`` later."""
    folder, name = os.path.split(os.fspath(path))
    temp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        staged = StagedFile(os.fspath(path), temp, fd, os.fstat(fd).st_ino)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return staged


def write_atomic(path: str | os.PathLike[str], data: bytes, *, fsync: bool) -> int:
    """Replace ``path`` with ``data`` through a temporary file in the same folder; return its inode.

    The temporary file is flushed (and fsynced when ``fsync``) before it is
    renamed over ``path``, so readers see either the old file or the new one.
    """
    staged = stage(path, data)
    try:
        if fsync:
            os.fsync(staged.fd)
        staged.close()
        os.replace(staged.temp, staged.path)
    except BaseException:
        staged.discard()
        raise
    return staged.inode


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


def datasync_all(fds: Sequence[int], pool: Executor) -> None:
    """:func:`datasync` every descriptor, concurrently on ``pool``: the disk flushes them together.

    Returns once all are durable; raises the first ``OSError`` after all have been tried.
    """
    if len(fds) == 1:
        datasync(fds[0])
        return
    futures = [pool.submit(datasync, fd) for fd in fds]
    wait(futures)
    for future in futures:
        future.result()


def fsync_dirs(paths: Iterable[str]) -> None:
    """:func:`fsync_dir` each folder once, in order."""
    for path in dict.fromkeys(paths):
        fsync_dir(path)
