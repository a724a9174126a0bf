"""Notice changes to the pending folder made by any process: inotify, or a poll as fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import watchfiles

from semiont_jobs.adapters.helpers.durable_files import TEMP_SUFFIX, is_temp_name

log = logging.getLogger("semiont_jobs.filesystem")

ChangeListener = Callable[[set[str] | None], None]
"""Called with the names of changed entries, or ``None`` when it is not known which changed."""

WATCH_STEP_MS = 5
WATCH_DEBOUNCE_MS = 40
ARM_PROBE_INTERVAL = 0.02
"""How long to wait for a probe's change to be reported before making another."""
ARM_TIMEOUT = 2.0
"""How long notifications get to prove they work before the folder is polled instead."""

RunBlocking = Callable[..., Awaitable[Any]]


class PendingWatcher:
    """Reports changes in one folder to a listener until stopped.

    Uses ``watchfiles`` (inotify on Linux); when it cannot watch, when no change
    is reported within ``ARM_TIMEOUT``, or when ``use_notify`` is false, it polls
    the folder's modification time every ``poll_interval`` seconds instead.
    :meth:`start` returns once it is armed: every change made after that is reported.
    """

    def __init__(
        self, folder: Path, listener: ChangeListener, *, use_notify: bool, poll_interval: float
    ) -> None:
        self._folder = folder
        self._listener = listener
        self._use_notify = use_notify
        self._poll_interval = poll_interval
        self._stop = asyncio.Event()
        self._armed = asyncio.Event()
        self._probe = f".watch-{secrets.token_hex(6)}-"
        self._task: asyncio.Task[None] | None = None
        self.mode = "stopped"

    async def start(self, run: RunBlocking) -> None:
        """Start watching; return once every later change in the folder will be reported.

        Notifications are armed when a probe file made in the folder (through ``run``,
        which runs blocking work) is reported; a probe is made every
        ``ARM_PROBE_INTERVAL`` seconds until then, for up to ``ARM_TIMEOUT``.
        """
        if self._task is not None:
            return
        self._stop.clear()
        self._armed.clear()
        self._task = asyncio.create_task(self._run(), name=f"watch {self._folder}")
        await asyncio.sleep(0)
        deadline = asyncio.get_running_loop().time() + ARM_TIMEOUT
        attempt = 0
        while not self._armed.is_set():
            if self._task is None or self._task.done():
                if not self._use_notify:
                    log.warning("cannot poll %s; only its periodic rescans will notice changes", self._folder)
                    return
                await self._restart(polling=True)
                continue
            if self.mode == "notify":
                if asyncio.get_running_loop().time() >= deadline:
                    log.warning("no change in %s is reported; polling it instead", self._folder)
                    await self._restart(polling=True)
                    continue
                attempt += 1
                await run(self._make_probe, attempt)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._armed.wait(), ARM_PROBE_INTERVAL)

    def _make_probe(self, attempt: int) -> None:
        path = self._folder / f"{self._probe}{attempt}{TEMP_SUFFIX}"
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644))
        os.unlink(path)

    async def _restart(self, *, polling: bool) -> None:
        await self.stop()
        self._use_notify = not polling
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
            names = {os.path.basename(path) for _change, path in changes}
            if any(name.startswith(self._probe) for name in names):
                self._armed.set()
            names = {name for name in names if not is_temp_name(name)}
            if names:
                self._listener(names)

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
            self._armed.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._poll_interval)
