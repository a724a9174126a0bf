"""A durable event bus: an append-only log in a directory, shared by processes."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from semiont_jobs.adapters.filesystem.events.consumer_cursors import check_consumer_name
from semiont_jobs.adapters.filesystem.events.event_log import encode_body, list_segments
from semiont_jobs.adapters.filesystem.events.log_hub import FilesystemSubscription, LogHub
from semiont_jobs.adapters.filesystem.events.retention import apply_retention, compact
from semiont_jobs.adapters.filesystem.events.segment_reader import SegmentReader
from semiont_jobs.codec import message_to_dict
from semiont_jobs.domain.events import EventMessage
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.clock import Clock, utc_now
from semiont_jobs.ports.errors import EventBusError
from semiont_jobs.ports.event_bus import Event, EventHandler

DEFAULT_SEGMENT_BYTES = 8 << 20


class FilesystemEventBus:
    """An :class:`~semiont_jobs.ports.EventBus` whose events outlive the process.

    Events are appended to ``<data_dir>/events/`` as JSON lines numbered with a
    ``seq`` that is unique and increasing across every process sharing the
    directory. ``publish`` returns once the line is written and, with ``fsync``,
    durable (publishes in flight together share one sync). Subscribers in any
    process see each event published after they subscribed, in log order.
    :meth:`replay` and :meth:`follow` read the log from any position; a named
    consumer keeps its place with :meth:`ack`. Old segments go when every named
    consumer has read them and they are older than ``max_age`` or beyond
    ``max_bytes``, or on :meth:`compact`. Nothing is opened before first use.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        fsync: bool = True,
        segment_bytes: int = DEFAULT_SEGMENT_BYTES,
        max_age: timedelta | None = None,
        max_bytes: int | None = None,
        watch: bool = True,
        clock: Clock = utc_now,
    ) -> None:
        if segment_bytes <= 0:
            raise ValueError(f"segment_bytes must be positive, got {segment_bytes}")
        directory = Path(data_dir) / "events"
        self._hub = LogHub(directory, fsync=fsync, segment_bytes=segment_bytes, watch=watch)
        self._max_age = max_age
        self._max_bytes = max_bytes
        self._clock = clock
        self._scope: ResourceId | None = None

    @property
    def directory(self) -> Path:
        """Where the log lives: ``<data_dir>/events``."""
        return self._hub.directory

    def scope(self, resource_id: ResourceId) -> FilesystemEventBus:
        view = FilesystemEventBus.__new__(FilesystemEventBus)
        view.__dict__.update(self.__dict__)
        view._scope = resource_id
        return view

    async def open(self) -> None:
        """Create the log's directory; optional, the first publish or subscribe does it too."""
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as exc:
            raise EventBusError(f"cannot create the event log directory {self.directory}: {exc}") from exc

    async def close(self) -> None:
        """Finish pending publishes, stop deliveries and release the files. Idempotent."""
        hub = self._hub
        writing = hub.tasks.pop("write", None)
        if writing is not None:
            await asyncio.gather(writing, return_exceptions=True)
        hub.closed = True
        hub.stop_watching.set()
        for task in hub.tasks.values():
            task.cancel()
        await asyncio.gather(*hub.tasks.values(), return_exceptions=True)
        hub.tasks.clear()
        hub.writer.close()
        if hub.live is not None:
            hub.live.close()

    async def publish(self, message: EventMessage) -> None:
        body = encode_body(message.channel, self._scope, self._clock(), message_to_dict(message))
        hub = self._hub
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        hub.start("write", lambda: hub.write_pending(self.apply_retention))
        hub.pending.append((body, written))
        await written

    async def subscribe(
        self, channel: str | None, handler: EventHandler, *, every_scope: bool = False
    ) -> FilesystemSubscription:
        hub = self._hub
        await self.open()
        await hub.dispatch_available()
        subscription = hub.subscribers.add(channel, self._scope, every_scope, handler)
        hub.start("live", hub.follow_live)
        return subscription

    async def replay(
        self, from_seq: int | None = None, *, consumer: str | None = None, channel: str | None = None
    ) -> AsyncIterator[Event]:
        """The events logged so far from ``from_seq`` (or after ``consumer``'s cursor, or from the
        start), in order; only this view's scope on a scoped view, every scope on the root bus."""
        reader = SegmentReader(self.directory, self._start(from_seq, consumer))
        try:
            while events := reader.read():
                for event in events:
                    if self._selects(event, channel):
                        yield event
        finally:
            reader.close()

    async def follow(
        self, from_seq: int | None = None, *, consumer: str | None = None, channel: str | None = None
    ) -> AsyncIterator[Event]:
        """Like :meth:`replay`, then every event as it is logged, until the caller stops."""
        hub = self._hub
        await self.open()
        reader = SegmentReader(self.directory, self._start(from_seq, consumer))
        try:
            while True:
                changed = hub.changed
                events = reader.read()
                for event in events:
                    if self._selects(event, channel):
                        yield event
                if not events:
                    await hub.wait_for_change(changed)
        finally:
            reader.close()

    async def ack(self, consumer: str, seq: int) -> None:
        """Store durably that ``consumer`` has processed every event up to ``seq``."""
        self._hub.cursors.set(consumer, seq)

    async def cursor(self, consumer: str) -> int | None:
        """The last seq ``consumer`` acknowledged; ``None`` when it never did."""
        return self._hub.cursors.get(consumer)

    async def last_seq(self) -> int:
        """The seq of the newest event in the log (0 when it is empty)."""
        newest = 0
        segments = list_segments(self.directory)
        if segments:
            reader = SegmentReader(self.directory, segments[-1].start)
            try:
                while reader.read():
                    pass
            finally:
                reader.close()
            newest = reader.last_seq
        return newest

    def apply_retention(self) -> int:
        """Remove the segments that ``max_age`` / ``max_bytes`` let go and every named consumer has
        read; return how many. Runs by itself whenever this bus starts a new segment."""
        if self._max_age is None and self._max_bytes is None:
            return 0
        max_age = self._max_age.total_seconds() if self._max_age is not None else None
        cursors = self._hub.cursors.all()
        removed = apply_retention(
            self.directory, cursors, max_age=max_age, max_bytes=self._max_bytes, now=time.time()
        )
        return len(removed)

    async def compact(self, before_seq: int | None = None) -> int:
        """Remove every segment whose events all precede ``before_seq``, whether read or not; by
        default those every named consumer has read (all but the newest when there are none).
        Return how many were removed."""
        if before_seq is None:
            cursors = self._hub.cursors.all()
            before_seq = min(cursors.values()) + 1 if cursors else 2**63
        return len(compact(self.directory, before_seq))

    def _start(self, from_seq: int | None, consumer: str | None) -> int:
        if from_seq is not None and consumer is not None:
            raise ValueError("give from_seq or consumer, not both")
        if consumer is not None:
            acknowledged = self._hub.cursors.get(check_consumer_name(consumer))
            return 1 if acknowledged is None else acknowledged + 1
        if from_seq is not None and (not isinstance(from_seq, int) or from_seq < 1):
            raise ValueError(f"from_seq must be a positive integer, got {from_seq!r}")
        return from_seq or 1

    def _selects(self, event: Event, channel: str | None) -> bool:
        if channel is not None and event.channel != channel:
            return False
        return self._scope is None or event.scope == self._scope
