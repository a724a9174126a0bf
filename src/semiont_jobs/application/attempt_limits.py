"""The two time limits of one attempt: its whole run, and the time since its last progress report."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from semiont_jobs.application.job_context import JobTimedOutError
from semiont_jobs.ports.job_metrics import TimeLimit

log = logging.getLogger("semiont_jobs.worker")


class AttemptLimits:
    """Watches an attempt against ``job_timeout`` and ``stall_timeout`` (seconds, ``None`` = no limit).

    :meth:`watch` returns at once when there is no limit. Past a limit it sets
    :attr:`timed_out` (the handler's context then shows the attempt cancelled) and
    calls ``on_timeout``; ``grace`` seconds later, unless cancelled first because
    the attempt ended, it calls ``force_stop`` and sets :attr:`forced`.
    """

    def __init__(
        self,
        job_timeout: float | None,
        stall_timeout: float | None,
        grace: float,
        *,
        on_timeout: Callable[[JobTimedOutError], None],
        force_stop: Callable[[], None],
    ) -> None:
        self.job_timeout = job_timeout
        self.stall_timeout = stall_timeout
        self.grace = grace
        self._on_timeout = on_timeout
        self._force_stop = force_stop
        self._started = self._last_progress = time.monotonic()
        self.timed_out: JobTimedOutError | None = None
        self.forced = False

    def progressed(self) -> None:
        """Progress was reported: the stall limit counts from now."""
        self._last_progress = time.monotonic()

    def _next_deadline(self) -> tuple[float, TimeLimit, float] | None:
        deadlines: list[tuple[float, TimeLimit, float]] = []
        if self.job_timeout is not None:
            deadlines.append((self._started + self.job_timeout, "job_timeout", self.job_timeout))
        if self.stall_timeout is not None:
            deadlines.append((self._last_progress + self.stall_timeout, "stall_timeout", self.stall_timeout))
        return min(deadlines) if deadlines else None

    async def watch(self) -> None:
        """Wait for a limit to pass, signal it, and stop the attempt by force after the grace."""
        while (deadline := self._next_deadline()) is not None:
            at, limit, seconds = deadline
            if (wait := at - time.monotonic()) > 0:
                await asyncio.sleep(wait)
                continue
            self.timed_out = JobTimedOutError(limit, seconds)
            self._on_timeout(self.timed_out)
            await asyncio.sleep(self.grace)
            log.warning("stopping the handler by force: it ignored its cancellation for %g s", self.grace)
            self.forced = True
            self._force_stop()
            return
