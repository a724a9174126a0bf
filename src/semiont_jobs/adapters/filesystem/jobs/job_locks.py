"""Exclusive locks on jobs, shared by the threads of this process and by other processes."""

from __future__ import annotations

import fcntl
import os
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_STRIPES = 64
"""Jobs are spread over this many lock files by a hash of their id (part of the on-disk protocol)."""


class JobLocks:
    """``hold(job_id)`` excludes every other holder of the same job's lock, in any process.

    A fixed set of lock files (``<dir>/NN.lock``) is opened once; each job maps
    to one of them. A thread lock guards each file within this process, since
    ``flock`` does not exclude holders sharing one open file.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._fds: list[int] = []
        self._threads = [threading.Lock() for _ in range(LOCK_STRIPES)]

    def open(self) -> None:
        if self._fds:
            return
        fds = []
        try:
            for stripe in range(LOCK_STRIPES):
                path = self._directory / f"{stripe:02d}.lock"
                fds.append(os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644))
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        self._fds = fds

    def close(self) -> None:
        fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)

    @contextmanager
    def hold(self, job_id: str) -> Iterator[None]:
        stripe = zlib.crc32(job_id.encode()) % LOCK_STRIPES
        with self._threads[stripe]:
            fd = self._fds[stripe]
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
