"""Reading files in folders that other processes and people write to, whatever they put there.

Only regular files are read: never through a symbolic link, never blocking on a
FIFO or a device, never more than a limit. What is wrong with the entry itself
is an :class:`UnreadableFileError`; a file that vanished is ``None``; the rest
(the folder is gone, the disk fails) stays an ``OSError``.
"""

from __future__ import annotations

import errno
import os
import stat
from datetime import UTC, datetime
from typing import Final

_ENTRY_FAULTS: Final = frozenset(
    {errno.ELOOP, errno.EACCES, errno.EPERM, errno.ENXIO, errno.ENODEV, errno.EISDIR}
)
"""Errors opening an entry that say what it is (a link, a socket, forbidden), not that the disk failed."""
_KINDS: Final = {
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}
_LATEST: Final = 2e11
"""A time stamp past this (the year 8307) is taken to be this, so that adding to it cannot overflow."""


class UnreadableFileError(Exception):
    """The entry is not a regular file we may read within the limit; ``reason`` says what it is."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def read_shared(path: str, limit: int) -> tuple[bytes, os.stat_result] | None:
    """The content of the regular file ``path`` and its status, ``None`` if there is no such entry.

    Raises :class:`UnreadableFileError` when the entry is no regular file (a link,
    a folder, a FIFO, ...), may not be read, or is longer than ``limit`` bytes.
    """
    try:
        fd = _open(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno not in _ENTRY_FAULTS:
            raise
        reason = "a symbolic link" if exc.errno == errno.ELOOP else (exc.strerror or str(exc)).lower()
        raise UnreadableFileError(reason) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
            raise UnreadableFileError(f"{kind}, not a file")
        if info.st_size > limit:
            raise UnreadableFileError(f"{info.st_size} bytes, more than the {limit} allowed")
        chunks: list[bytes] = []
        room = limit + 1
        while room > 0 and (chunk := os.read(fd, min(room, max(info.st_size + 1, 65536)))):
            chunks.append(chunk)
            room -= len(chunk)
        if room <= 0:
            raise UnreadableFileError(f"it grew past the {limit} bytes allowed")
        return b"".join(chunks), info
    finally:
        os.close(fd)


_FLAGS: Final = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
_NOATIME: Final = getattr(os, "O_NOATIME", 0)


def _open(path: str) -> int:
    """Open for reading without updating the access time where allowed (our own files).

    A read that updates the access time dirties the inode, which the next sync then writes too.
    """
    if _NOATIME:
        try:
            return os.open(path, _FLAGS | _NOATIME)
        except PermissionError:
            pass
    return os.open(path, _FLAGS)


def changed_at(info: os.stat_result) -> datetime:
    """When the file last changed, as far as that can be trusted.

    The modification time can be set to anything (``touch -d``); the status change
    time cannot, so the earlier of the two is taken, within what a datetime can hold.
    """
    stamp = min(info.st_mtime, info.st_ctime)
    return datetime.fromtimestamp(min(max(stamp, 0.0), _LATEST), UTC)


def age(info: os.stat_result, now: float) -> float:
    """Seconds since the file last changed, by the same trusted time as :func:`changed_at`."""
    return now - min(info.st_mtime, info.st_ctime)
