"""The worker process's health: its worker loops run, and the job store answers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from semiont_jobs.application.job_attempt import error_message
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.ports.job_metrics import NO_METRICS, JobMetrics
from semiont_jobs.ports.status_server import HealthReport

log = logging.getLogger("semiont_jobs.health")


class HealthMonitor:
    """Asks the store for its job counts every ``interval`` seconds (the queue depth for ``metrics``).

    :meth:`report` is healthy while every worker's loop runs and the store's last
    answer came within the last two intervals, with no failed question since. Safe to
    call from any thread.
    """

    def __init__(
        self,
        queue: JobQueue,
        workers: Sequence[JobWorker],
        *,
        interval: float = 10.0,
        metrics: JobMetrics = NO_METRICS,
    ) -> None:
        if not interval > 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        self.queue = queue
        self.workers = tuple(workers)
        self.interval = interval
        self.metrics = metrics
        self._answered: float | None = None
        self._failure: str | None = "the store has not been asked yet"

    async def probe(self) -> None:
        """Ask the store once, within one interval, and note how it went."""
        try:
            stats = await asyncio.wait_for(self.queue.get_stats(), self.interval)
        except TimeoutError:
            self._note_failure(f"the store did not answer within {self.interval:g} s")
        except Exception as exc:
            self._note_failure(f"the store failed: {error_message(exc)}")
        else:
            self._answered = time.monotonic()
            if self._failure is not None:
                log.info("the store answers")
            self._failure = None
            self.metrics.queue_depth(stats)

    def _note_failure(self, reason: str) -> None:
        if self._failure != reason:
            log.warning("health: %s", reason)
        self._failure = reason

    async def run(self) -> None:
        """Probe every ``interval`` seconds until cancelled."""
        while True:
            await self.probe()
            await asyncio.sleep(self.interval)

    def report(self) -> HealthReport:
        """Healthy, or why not (the first problem found)."""
        for worker in self.workers:
            if not worker.is_running:
                return HealthReport(False, f"worker {worker.worker_name()} is not running")
        if self._failure is not None:
            return HealthReport(False, self._failure)
        age = time.monotonic() - (self._answered or 0.0)
        if age > 2 * self.interval:
            return HealthReport(False, f"the store last answered {age:.1f} s ago")
        return HealthReport(True)
