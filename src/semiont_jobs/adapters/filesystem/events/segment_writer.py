"""Appending to the event log from any number of processes.

Every append takes an exclusive ``flock`` on ``<log>/.lock``, learns the last
sequence number from what other processes appended since its previous turn,
numbers its lines, writes them with one ``write`` and lets go. Numbering and
writing under one lock is what keeps sequence numbers unique and increasing in
file order across processes; the lock is held for microseconds and never across
an ``await`` or an ``fsync``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from semiont_jobs.adapters.filesystem.events.event_log import Segment, list_segments, segment_path, stamp
from semiont_jobs.adapters.helpers.durable_files import fsync_dir

log = logging.getLogger("semiont_jobs.events")

LOCK_NAME = ".lock"
_SEQ_AT_START = re.compile(rb'\{"seq":(\d+),')


@contextlib.contextmanager
def log_lock(directory: Path, operation: int = fcntl.LOCK_EX) -> Iterator[None]:
    """Hold the log's lock (exclusive for writers, shared to see a quiet tail)."""
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, operation)
        yield
    finally:
        os.close(fd)


class SegmentWriter:
    """Appends numbered lines to the newest segment, rolling to a new one by size."""

    def __init__(self, directory: Path, segment_bytes: int) -> None:
        self.directory = directory
        self.segment_bytes = segment_bytes
        self.last_seq = 0
        self.rolled = False
        self._lock_fd: int | None = None
        self._segment: Segment | None = None
        self._fd: int | None = None
        self._size = 0

    @property
    def fd(self) -> int | None:
        """The active segment's descriptor, for :func:`datasync` after an append."""
        return self._fd

    def append(self, bodies: Sequence[bytes]) -> int:
        """Write ``bodies`` (see ``encode_body``) as consecutive events; return the first's seq."""
        if self._lock_fd is None:
            os.makedirs(self.directory, exist_ok=True)
            self._lock_fd = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            fd = self._active()
            first = self.last_seq + 1
            data = b"".join(stamp(first + index, body) for index, body in enumerate(bodies))
            self._write(fd, data)
            self.last_seq += len(bodies)
            return first
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def close(self) -> None:
        for fd in (self._fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._lock_fd = None
        self._segment = None
        self._size = 0

    def _active(self) -> int:
        """The segment to append to, caught up with other writers (call under the lock)."""
        if self._fd is None:
            segments = list_segments(self.directory)
            if not segments:
                self._open(Segment(1, segment_path(self.directory, 1)), create=True)
            else:
                self._open(segments[-1], create=False)
        assert self._fd is not None and self._segment is not None
        self._catch_up()
        while self._size >= self.segment_bytes:
            newest = list_segments(self.directory)[-1]
            if newest.start > self._segment.start:
                self._open(newest, create=False)
            else:
                self._open(Segment(self.last_seq + 1, segment_path(self.directory, self.last_seq + 1)), True)
                fsync_dir(self.directory)
                self.rolled = True
            self._catch_up()
        return self._fd

    def _open(self, segment: Segment, create: bool) -> None:
        flags = (
            os.O_RDWR
            | os.O_APPEND
            | os.O_NOFOLLOW
            | os.O_NONBLOCK
            | (os.O_CREAT | os.O_EXCL if create else 0)
        )
        fd = os.open(segment.path, flags, 0o644)
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._segment, self._size = fd, segment, 0
        self.last_seq = max(self.last_seq, segment.start - 1)

    def _catch_up(self) -> None:
        """Read what others appended since our last turn; end a torn last line."""
        assert self._fd is not None and self._segment is not None
        size = os.fstat(self._fd).st_size
        if size == self._size:
            return
        if size < self._size:
            self._size = 0
        tail = os.pread(self._fd, size - self._size, self._size)
        self._size = size
        for line in tail.split(b"\n"):
            match = _SEQ_AT_START.match(line)
            if match:
                self.last_seq = max(self.last_seq, int(match.group(1)))
        if not tail.endswith(b"\n"):
            log.warning("event log %s ends in a torn line; closing it off", self._segment.path)
            self._write(self._fd, b"\n")

    def _write(self, fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            self._size += written
            view = view[written:]
