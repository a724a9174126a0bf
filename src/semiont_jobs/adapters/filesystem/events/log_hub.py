"""The state every view of one filesystem event bus shares: writer, live reader, subscribers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from watchfiles import awatch

from semiont_jobs.adapters.filesystem.events.consumer_cursors import CursorStore
from semiont_jobs.adapters.filesystem.events.segment_reader import SegmentReader
from semiont_jobs.adapters.filesystem.events.segment_writer import SegmentWriter
from semiont_jobs.adapters.helpers.durable_files import datasync
from semiont_jobs.adapters.helpers.subscribers import ListSubscription, Subscribers
from semiont_jobs.ports.errors import EventBusError

log = logging.getLogger("semiont_jobs.events")

WATCHED_POLL_SECONDS = 1.0
"""How often the log is checked anyway while the file watcher runs."""
UNWATCHED_POLL_SECONDS = 0.05
"""How often the log is checked when no file watcher runs."""


class LogHub:
    """Group-commits publishes to the log and delivers what appears in it to subscribers."""

    def __init__(self, directory: Path, *, fsync: bool, segment_bytes: int, watch: bool) -> None:
        self.directory = directory
        self.fsync = fsync
        self.writer = SegmentWriter(directory, segment_bytes)
        self.cursors = CursorStore(directory / "consumers")
        self.pending: list[tuple[bytes, asyncio.Future[None]]] = []
        self.subscribers = Subscribers()
        self.live: SegmentReader | None = None
        self.dispatching = asyncio.Lock()
        self.changed = asyncio.Event()
        self.watch = watch
        self.poll_seconds = WATCHED_POLL_SECONDS if watch else UNWATCHED_POLL_SECONDS
        self.stop_watching = asyncio.Event()
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.closed = False

    def notify(self) -> None:
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()

    async def wait_for_change(self, changed: asyncio.Event) -> None:
        self.start("watch", self.watch_directory)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), self.poll_seconds)

    def start(self, name: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        if self.closed:
            raise EventBusError(f"the event bus on {self.directory} is closed")
        task = self.tasks.get(name)
        if task is None or task.done():
            self.tasks[name] = asyncio.get_running_loop().create_task(work())

    async def watch_directory(self) -> None:
        if not self.watch:
            return
        try:
            os.makedirs(self.directory, exist_ok=True)
            async for _ in awatch(
                self.directory, debounce=50, step=5, recursive=False, stop_event=self.stop_watching
            ):
                self.notify()
        except (OSError, RuntimeError) as exc:
            log.warning(
                "cannot watch %s (%s); polling every %.2f s", self.directory, exc, UNWATCHED_POLL_SECONDS
            )
            self.poll_seconds = UNWATCHED_POLL_SECONDS

    async def write_pending(self, retention: Callable[[], object]) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                self.writer.append([body for body, _ in batch])
                self.notify()
                if self.fsync and self.writer.fd is not None:
                    await asyncio.to_thread(datasync, self.writer.fd)
            except OSError as exc:
                error = EventBusError(f"cannot append to the event log in {self.directory}: {exc}")
                error.__cause__ = exc
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
            if self.writer.rolled:
                self.writer.rolled = False
                try:
                    retention()
                except OSError:
                    log.exception("retention of the event log in %s failed", self.directory)

    async def follow_live(self) -> None:
        while True:
            changed = self.changed
            await self.dispatch_available()
            await self.wait_for_change(changed)

    async def dispatch_available(self) -> None:
        async with self.dispatching:
            if self.live is None:
                self.live = SegmentReader.at_end(self.directory)
            while events := self.live.read():
                for event in events:
                    await self.subscribers.deliver(event)


FilesystemSubscription = ListSubscription
"""Ends deliveries to one handler when closed."""
