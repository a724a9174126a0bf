"""Exclusive locks on jobs, shared by the threads of this process and by other processes."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_STRIPES = 64
"""Jobs are spread over this many lock files by a hash of their id (part of the on-disk protocol)."""


class JobLocks:
    """``hold(job_id)`` excludes every other holder of the same job's lock, in any process.

    ``hold_all(keys)`` holds several at once (a lock key is a job id, or any other name).

    A fixed set of lock files (``<dir>/NN.lock``) is opened once; each job maps
    to one of them. A thread lock guards each file within this process, since
    ``flock`` does not exclude holders sharing one open file. An entry in place of
    a lock file that is no regular file (a folder, a link, a FIFO), which no
    process can be locking, is handed to ``set_aside`` and replaced; openers
    take turns (a lock on the folder) so that none replaces another's new file.
    """

    def __init__(self, directory: Path, set_aside: Callable[[str, str], None]) -> None:
        self._directory = directory
        self._set_aside = set_aside
        self._fds: list[int] = []
        self._threads = [threading.Lock() for _ in range(LOCK_STRIPES)]

    def open(self) -> None:
        if self._fds:
            return
        fds: list[int] = []
        folder = os.open(self._directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            for stripe in range(LOCK_STRIPES):
                fds.append(self._open_stripe(str(self._directory / f"{stripe:02d}.lock")))
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        finally:
            os.close(folder)
        self._fds = fds

    def _open_stripe(self, path: str) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            fd = os.open(path, flags, 0o644)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise
            self._set_aside(path, "a symbolic link, folder or socket, not a lock file")
            return os.open(path, flags | os.O_EXCL, 0o644)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
        os.close(fd)
        self._set_aside(path, "a special file, not a lock file")
        return os.open(path, flags | os.O_EXCL, 0o644)

    def close(self) -> None:
        fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)

    @contextmanager
    def hold(self, job_id: str) -> Iterator[None]:
        with self.hold_all((job_id,)):
            yield

    @contextmanager
    def hold_all(self, keys: Iterable[str]) -> Iterator[None]:
        """Hold the locks of every key at once, taken in stripe order so that no two holders deadlock."""
        stripes = sorted({zlib.crc32(key.encode()) % LOCK_STRIPES for key in keys})
        fds = self._fds
        held: list[int] = []
        try:
            for stripe in stripes:
                self._threads[stripe].acquire()
                try:
                    fcntl.flock(fds[stripe], fcntl.LOCK_EX)
                except BaseException:
                    self._threads[stripe].release()
                    raise
                held.append(stripe)
            yield
        finally:
            for stripe in reversed(held):
                fcntl.flock(fds[stripe], fcntl.LOCK_UN)
                self._threads[stripe].release()
