"""Spare files: job files' replaced versions, written again instead of creating new files.

Creating a file is the dearest step of a job transition on common Linux
filesystems (allocating an inode costs far more than writing one block). So a
transition writes its new content into a spare file, syncs it, and swaps it with
the job file in one atomic exchange (``renameat2(RENAME_EXCHANGE)``): the job
file's old version becomes the next spare. Readers of the job file see the old
content or the new, as with a rename.

A spare is written again only when nobody can still be reading its old content:
Linux must grant a write lease on it (proof that no other process or thread has
it open; held while it is written, so an open racing with the write waits), and
it must have been a spare for ``reuse_after`` seconds. Where leases cannot be had,
``unproven_after`` seconds must pass instead. Where the exchange is not supported
(other platforms, some filesystems), files are created and renamed as before.

Spares live in ``jobs/.spare/`` under a per-store owner token whose lock file the
store holds while open; a store that opens sweeps away the spares of owners that
hold no lock any more (crashed processes).
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import secrets
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import cast

from semiont_jobs.adapters.helpers.durable_files import StagedFile, stage

log = logging.getLogger(__name__)

SPARE_SUFFIX = ".spare"
LOCK_SUFFIX = ".lock"
MAX_SPARES = 4096
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EOPNOTSUPP, errno.ENOTSUP})


def _load_renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    if sys.platform != "linux":
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return cast(Callable[[int, bytes, int, bytes, int], int], function)


_renameat2 = _load_renameat2()


def exchange(first: str, second: str) -> None:
    """Swap the files at two paths atomically; ``OSError`` when either is missing or it is unsupported."""
    if _renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available here", first)
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), first, None, second)


def _lease(fd: int) -> bool | None:
    """Take a write lease on ``fd``, held until it is closed: ``True`` when granted (no other
    descriptor has the file open), ``False`` when one has, ``None`` when leases cannot be had."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)  # a broken lease signals nothing harmful
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
    except (BlockingIOError, PermissionError) as exc:
        return False if isinstance(exc, BlockingIOError) else None
    except (OSError, AttributeError):
        return None
    return True


class SpareFiles:
    """The spare files of one store, kept in ``folder`` (see the module's docstring).

    :meth:`stage` and :meth:`install` are called by one thread at a time.
    """

    def __init__(
        self, folder: str, *, enabled: bool = True, reuse_after: float = 0.05, unproven_after: float = 10.0
    ) -> None:
        self.folder = folder
        self.enabled = enabled and _renameat2 is not None
        self.reuse_after = reuse_after
        self.unproven_after = unproven_after
        self._owner = f"{os.getpid()}-{secrets.token_hex(6)}"
        self._lock_fd = -1
        self._free: collections.deque[tuple[str, float]] = collections.deque()
        self._made = 0
        self._guard = threading.Lock()

    # -- lifespan ---------------------------------------------------------------------------

    def open(self) -> None:
        """Claim an owner token and sweep the spares of owners that are gone."""
        if not self.enabled:
            return
        os.makedirs(self.folder, exist_ok=True)
        lock_path = os.path.join(self.folder, self._owner + LOCK_SUFFIX)
        while self._lock_fd < 0:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.stat(lock_path).st_ino == os.fstat(fd).st_ino:
                    self._lock_fd = fd  # no sweeper removed it before it was locked
                    continue
            except FileNotFoundError:
                pass
            os.close(fd)
        self._sweep()

    def close(self) -> None:
        """Delete this store's spares and give up its token."""
        if self._lock_fd < 0:
            return
        with self._guard:
            free, self._free = self._free, collections.deque()
        for path, _ in free:
            with contextlib.suppress(OSError):
                os.unlink(path)
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(self.folder, self._owner + LOCK_SUFFIX))
        os.close(self._lock_fd)
        self._lock_fd = -1

    def _sweep(self) -> None:
        with os.scandir(self.folder) as entries:
            names = [entry.name for entry in entries]
        live = {self._owner}
        for name in names:
            if name.endswith(LOCK_SUFFIX) and name != self._owner + LOCK_SUFFIX and _held(self.folder, name):
                live.add(name.removesuffix(LOCK_SUFFIX))
        for name in names:
            owner = name.rsplit(".", 1)[0].rsplit("~", 1)[0]
            if owner not in live:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.folder, name))

    # -- in the committer's thread ------------------------------------------------------------

    def stage(self, path: str, data: bytes) -> StagedFile:
        """``data`` written to a spare (or a new file), not yet synced nor in place at ``path``."""
        if not self.enabled or self._lock_fd < 0:
            return stage(path, data)
        staged = self._rewrite_spare(path, data)
        if staged is not None:
            return staged
        self._made += 1
        spare = os.path.join(self.folder, f"{self._owner}~{self._made}{SPARE_SUFFIX}")
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        return _write(StagedFile(path, spare, fd, os.fstat(fd).st_ino), data, 0)

    def _rewrite_spare(self, path: str, data: bytes) -> StagedFile | None:
        now = time.monotonic()
        with self._guard:
            if not self._free or self._free[0][1] + self.reuse_after > now:
                return None
            spare, since = self._free.popleft()
        try:
            fd = os.open(spare, os.O_WRONLY | os.O_CLOEXEC)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(spare)
            return None
        leased = _lease(fd)
        if leased is False or (leased is None and now - since < self.unproven_after):
            os.close(fd)
            self._give_back(spare, since)
            return None
        try:
            info = os.fstat(fd)
            return _write(StagedFile(path, spare, fd, info.st_ino), data, info.st_size)
        except OSError:
            self._give_back(spare, since)
            raise

    def install(self, file: StagedFile) -> None:
        """Put the synced ``file`` in place at its path; the version it replaces becomes a spare."""
        file.close()
        if self.enabled and os.path.dirname(file.temp) == self.folder:
            try:
                exchange(file.temp, file.path)
            except FileNotFoundError:
                pass  # nothing at the path yet: the spare is renamed there
            except OSError as exc:
                if exc.errno not in _UNSUPPORTED:
                    raise
                log.info("the filesystem of %s cannot exchange files; creating new ones", self.folder)
                self.enabled = False
            else:
                self._give_back(file.temp, time.monotonic())
                return
        os.replace(file.temp, file.path)

    def _give_back(self, spare: str, since: float) -> None:
        with self._guard:
            if len(self._free) < MAX_SPARES:
                self._free.append((spare, since))
                return
        with contextlib.suppress(OSError):
            os.unlink(spare)


def _write(file: StagedFile, data: bytes, old_size: int) -> StagedFile:
    try:
        view = memoryview(data)
        offset = 0
        while offset < len(view):
            offset += os.pwrite(file.fd, view[offset:], offset)
        if old_size > len(data):
            os.ftruncate(file.fd, len(data))
    except BaseException:
        file.close()
        raise
    return file


def _held(folder: str, lock_name: str) -> bool:
    """Whether a live store holds the lock file ``lock_name``."""
    try:
        fd = os.open(os.path.join(folder, lock_name), os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return True  # its owner is closing, or another sweeper took it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
