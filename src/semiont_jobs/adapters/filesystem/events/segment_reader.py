"""Reading the event log in order, from a sequence number or from its end."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from semiont_jobs.adapters.filesystem.events.event_log import (
    BadLineError,
    Segment,
    decode_line,
    list_segments,
)
from semiont_jobs.adapters.filesystem.events.segment_writer import log_lock
from semiont_jobs.ports.event_bus import Event

log = logging.getLogger("semiont_jobs.events")

CHUNK = 1 << 20


class SegmentReader:
    """Yields the log's events in sequence order, each once, skipping lines that are not events.

    A line still being written is held back until its ``\\n`` arrives; a line
    that ends but is not an event (a write torn by a crash) is skipped with a
    warning.
    """

    def __init__(self, directory: Path, from_seq: int = 1) -> None:
        self.directory = directory
        self.last_seq = from_seq - 1
        self._segment: Segment | None = None
        self._fd: int | None = None
        self._offset = 0
        self._partial = b""

    @classmethod
    def at_end(cls, directory: Path) -> SegmentReader:
        """A reader that sees only events appended from now on."""
        reader = cls(directory)
        segments = list_segments(directory)
        if segments:
            with log_lock(directory, fcntl.LOCK_SH):
                reader._switch(segments[-1])
                assert reader._fd is not None
                reader._offset = os.fstat(reader._fd).st_size
        return reader

    def read(self, limit: int = 1000) -> list[Event]:
        """Up to about ``limit`` events that follow the last one read (none when caught up)."""
        events: list[Event] = []
        while len(events) < limit:
            if self._segment is None:
                if not self._first_segment():
                    break
                continue
            assert self._fd is not None
            chunk = os.pread(self._fd, CHUNK, self._offset)
            if chunk:
                self._offset += len(chunk)
                events.extend(self._lines(chunk))
                continue
            newer = [s for s in list_segments(self.directory) if s.start > self._current_start()]
            if not newer:
                break
            chunk = os.pread(self._fd, CHUNK, self._offset)
            if chunk:
                self._offset += len(chunk)
                events.extend(self._lines(chunk))
                continue
            if self._partial:
                log.warning("skipped a torn last line in %s", self._segment_path())
                self._partial = b""
            self._switch(newer[0])
        return events

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd = None

    def _first_segment(self) -> bool:
        segments = list_segments(self.directory)
        if not segments:
            return False
        wanted = self.last_seq + 1
        starting = [s for s in segments if s.start <= wanted]
        if not starting and wanted > 1:
            log.warning(
                "events %d to %d were removed from %s; reading from %d",
                wanted,
                segments[0].start - 1,
                self.directory,
                segments[0].start,
            )
        self._switch(starting[-1] if starting else segments[0])
        return True

    def _switch(self, segment: Segment) -> None:
        self.close()
        try:
            self._fd = os.open(segment.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            self._segment = None
            return
        self._segment, self._offset, self._partial = segment, 0, b""

    def _current_start(self) -> int:
        assert self._segment is not None
        return self._segment.start

    def _segment_path(self) -> Path:
        assert self._segment is not None
        return self._segment.path

    def _lines(self, chunk: bytes) -> list[Event]:
        *complete, self._partial = (self._partial + chunk).split(b"\n")
        events = []
        for line in complete:
            if not line:
                continue
            try:
                event = decode_line(line)
            except BadLineError as exc:
                log.warning("skipped a line of %s that is not an event (%s)", self._segment_path(), exc)
                continue
            assert event.seq is not None
            if event.seq > self.last_seq:
                self.last_seq = event.seq
                events.append(event)
        return events
