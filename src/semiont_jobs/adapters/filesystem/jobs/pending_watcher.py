"""Notice changes to the pending folder made by any process: inotify, or a poll as fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

import watchfiles

log = logging.getLogger("semiont_jobs.filesystem")

ChangeListener = Callable[[set[str] | None], None]
"""Called with the names of changed entries, or ``None`` when it is not known which changed."""

WATCH_STEP_MS = 5
WATCH_DEBOUNCE_MS = 40


class PendingWatcher:
    """Reports changes in one folder to a listener until stopped.

    Uses ``watchfiles`` (inotify on Linux); when it cannot watch, or when
    ``use_notify`` is false, it polls the folder's modification time every
    ``poll_interval`` seconds instead.
    """

    def __init__(
        self, folder: Path, listener: ChangeListener, *, use_notify: bool, poll_interval: float
    ) -> None:
        self._folder = folder
        self._listener = listener
        self._use_notify = use_notify
        self._poll_interval = poll_interval
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.mode = "stopped"

    def start(self) -> None:
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self._run(), name=f"watch {self._folder}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self.mode = "stopped"

    async def _run(self) -> None:
        if self._use_notify:
            try:
                await self._notify()
                return
            except Exception as exc:
                log.warning("cannot watch %s (%s); polling it instead", self._folder, exc)
        await self._poll()

    async def _notify(self) -> None:
        self.mode = "notify"
        async for changes in watchfiles.awatch(
            self._folder,
            watch_filter=None,
            debounce=WATCH_DEBOUNCE_MS,
            step=WATCH_STEP_MS,
            stop_event=self._stop,
            recursive=False,
        ):
            self._listener({os.path.basename(path) for _change, path in changes})

    async def _poll(self) -> None:
        self.mode = "poll"
        last: int | None = None
        while not self._stop.is_set():
            try:
                stamp = os.stat(self._folder).st_mtime_ns
            except OSError:
                stamp = None
            if stamp != last:
                last = stamp
                self._listener(None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._poll_interval)
