"""The worker runtime: claims jobs, runs their handlers, recovers jobs of dead workers, stops cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from semiont_jobs.application.claims_ahead import ClaimsAhead, hand_back
from semiont_jobs.application.job_attempt import JobAttempt, error_message, is_expected, notify
from semiont_jobs.application.job_context import JobContext
from semiont_jobs.application.job_handler import JobHandler, JobListener
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.jobs import CompleteJob, FailedJob, PendingJob, RunningJob
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.job_metrics import NO_METRICS, JobMetrics
from semiont_jobs.ports.job_store import Claim, JobFilter

log = logging.getLogger("semiont_jobs.worker")

Handlers = Mapping[JobType, JobHandler[Any, Any, Any]]


class JobWorker:
    """Runs the handlers of some job types: ``JobWorker(queue, {"generation": handler}, settings)``.

    ``start()`` runs until ``stop()``: it runs up to ``settings.concurrency``
    handlers at a time (jobs of the handlers' types, oldest first); a job whose
    handler has returned gives its slot to the next one while its outcome is
    being stored, so at most twice that many jobs are held. It renews leases,
    retries failures with backoff, returns jobs of dead workers to the queue, and
    on stop hands unfinished jobs back, and stops an attempt past its time limits.
    ``listeners`` hear of every stored change; ``metrics`` count attempts, their
    durations and lease recoveries; spans go to the queue's tracer.

    Subclassing also works, as the reference's ``JobWorker`` did: set
    ``job_types`` (or override :meth:`can_process_job`), override
    :meth:`worker_name` and :meth:`execute_job`, call :meth:`report_progress` from
    it, and override any ``on_job_*`` hook to be told what happened. Such a subclass
    may pass its :class:`WorkerSettings` second: ``super().__init__(queue, settings)``.
    """

    job_types: ClassVar[frozenset[JobType] | None] = None
    """For subclasses: the job types this worker may take (``None``: ask :meth:`can_process_job`)."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: Handlers | WorkerSettings | None = None,
        settings: WorkerSettings | None = None,
        listeners: Sequence[JobListener] = (),
        *,
        name: str | None = None,
        metrics: JobMetrics = NO_METRICS,
    ) -> None:
        if isinstance(handlers, WorkerSettings):
            handlers, settings = None, handlers
        subclassed = type(self).execute_job is not JobWorker.execute_job
        if not handlers and not subclassed:
            raise TypeError("JobWorker needs handlers, or a subclass that overrides execute_job")
        self.queue = queue
        self.settings = settings or WorkerSettings()
        self.handlers: dict[JobType, JobHandler[Any, Any, Any]] = dict(handlers or {})
        self.types: frozenset[JobType] | None = frozenset(self.handlers) if handlers else self.job_types
        self.listeners: list[JobListener] = [*listeners, *([self] if subclassed else [])]
        self.metrics = metrics
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._name = name or ", ".join(sorted(self.types or ())) or type(self).__name__
        overridden = type(self).can_process_job is not JobWorker.can_process_job
        self._filter: JobFilter | None = self.can_process_job if overridden else None
        """Sent to the store only when a subclass looks at more than the job type."""
        self._attempts: dict[str, JobAttempt] = {}
        self._handlers_running = 0
        self._slot_freed = asyncio.Event()
        self._ahead = ClaimsAhead(self.settings.hold_ahead_seconds)
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopped.set()

    # -- the subclass form -----------------------------------------------------------

    def worker_name(self) -> str:
        """A short name for logs."""
        return self._name

    def can_process_job(self, job: PendingJob[Any]) -> bool:
        """Whether this worker takes ``job``; by default, whether its type is one of the worker's.

        Override it to look at more than the type; the store then evaluates it
        for each candidate (a worker that only checks types claims faster).
        """
        return self.types is None or job.type in self.types

    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        """For subclasses: do the job's work and return its result; raise to fail the attempt."""
        raise NotImplementedError

    async def report_progress(self, job: RunningJob[Any, Any], progress: Any) -> RunningJob[Any, Any]:
        """For subclasses: store ``progress`` on the running job and return the updated job.

        Raises :class:`~semiont_jobs.application.job_context.JobCancelledError` when
        the job was cancelled or its claim lost; the job must then stop without completing.
        """
        attempt = self._attempts.get(job.id)
        if attempt is None:
            raise RuntimeError(f"job {job.id!r} is not running on this worker")
        return await attempt.context.report_progress(progress)

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        """Called once a job is claimed, before it runs."""

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        """Called after progress was stored."""

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        """Called after a job was stored as complete."""

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        """Called once after a job was stored as failed for good."""

    async def on_job_retrying(self, job: PendingJob[Any], error: BaseException) -> None:
        """Called after a failed attempt was stored as pending for a retry."""

    async def _execute(self, job: RunningJob[Any, Any], _context: JobContext[Any, Any]) -> Any:
        return await self.execute_job(job)

    def _handler(self, job_type: JobType) -> JobHandler[Any, Any, Any]:
        return self.handlers.get(job_type) or self._execute

    # -- running ---------------------------------------------------------------------

    @property
    def running_jobs(self) -> int:
        return len(self._attempts)

    @property
    def is_running(self) -> bool:
        """Whether :meth:`start`'s loop runs and has not been asked to stop."""
        return not self._stopped.is_set() and not self._stopping.is_set()

    async def start(self) -> None:
        """Claim and run jobs until :meth:`stop` is called."""
        if not self._stopped.is_set():
            raise RuntimeError(f"{self.worker_name()} is already running")
        self._stopping.clear()
        self._stopped.clear()
        log.info("%s started as %s", self.worker_name(), self.worker_id)
        try:
            await self._loop(until_idle=False)
        finally:
            await self._drain()
            self._stopped.set()
            log.info("%s stopped", self.worker_name())

    async def stop(self, grace: float | None = None) -> None:
        """Stop claiming; let running jobs finish within ``grace`` seconds, then hand them back."""
        if grace is not None:
            self.settings = attrs.evolve(self.settings, stop_grace=grace)
        self._stopping.set()
        self._slot_freed.set()
        await self._stopped.wait()

    async def run_until_idle(self) -> None:
        """Run jobs until none is claimable and none is running, then return."""
        self._stopping.clear()
        try:
            await self._loop(until_idle=True)
        finally:
            await self._drain()

    async def _loop(self, *, until_idle: bool) -> None:
        last_recovery = float("-inf")
        while not self._stopping.is_set():
            try:
                if time.monotonic() - last_recovery >= self.settings.recovery_interval:
                    last_recovery = time.monotonic()
                    await self._recover()
                if self._ahead:
                    await hand_back(self.queue, self._ahead.stale())
                if self._free_slots() <= 0:
                    await self._wait_for_a_slot()
                    continue
                if self._ahead:
                    self._start(self._ahead.take(self._free_slots()))
                    continue
                claims = await self._claim()
                if not claims:
                    if until_idle and not self._attempts:
                        return
                    await self._idle(until_idle)
                    continue
            except Exception as exc:
                log.error(
                    "%s: worker loop error: %s",
                    self.worker_name(),
                    error_message(exc),
                    exc_info=None if is_expected(exc) else exc,
                )
                await self._sleep_unless_stopping(self.settings.error_backoff)
                continue
            self._start(claims)

    def _start(self, claims: Sequence[Claim]) -> None:
        """Launch claims into the free slots; hold the rest (claimed ahead) for the next ones."""
        free = max(0, self._free_slots())
        for claim in claims[:free]:
            self._launch(claim)
        self._ahead.add(claims[free:])

    def _free_slots(self) -> int:
        """Slots without a running handler, within the bound on jobs held (those still storing count)."""
        concurrency = self.settings.concurrency
        return min(concurrency - self._handlers_running, 2 * concurrency - len(self._attempts))

    async def _claim(self) -> list[Claim]:
        """Claims for every free slot and ``prefetch`` more, in one store call (only with a free slot)."""
        free = self._free_slots()
        if free <= 0:
            return []
        return await self.queue.claim_batch(
            self.worker_id,
            free + self.settings.prefetch,
            lease=self.settings.lease,
            types=self.types,
            predicate=self._filter,
        )

    async def _recover(self) -> None:
        for job in await self.queue.recover_expired(self.types):
            self.metrics.lease_recovered(job.type, failed=isinstance(job, FailedJob))
            if isinstance(job, FailedJob):
                await notify(self.listeners, "on_job_failed", job)

    def _launch(self, claim: Claim) -> None:
        attempt = JobAttempt(
            claim,
            self.queue,
            self.settings,
            self.listeners,
            self.worker_id,
            self.metrics,
            on_handler_done=self._handler_done,
        )
        self._attempts[claim.job_id] = attempt
        self._handlers_running += 1
        attempt.task = asyncio.create_task(self._run(attempt), name=f"job {claim.job_id}")

    async def _run(self, attempt: JobAttempt) -> None:
        try:
            await attempt.run(self._handler(attempt.job.type))
        finally:
            if not attempt.handler_done:
                self._handler_done()
            del self._attempts[attempt.claim.job_id]
            self._slot_freed.set()

    def _handler_done(self) -> None:
        self._handlers_running -= 1
        self._slot_freed.set()

    def _tasks(self) -> set[asyncio.Task[None]]:
        return {attempt.task for attempt in self._attempts.values() if attempt.task is not None}

    async def _wait_for_a_slot(self) -> None:
        """Until a slot frees, the worker stops, or a job claimed ahead goes stale."""
        self._slot_freed.clear()
        if self._free_slots() > 0 or self._stopping.is_set():
            return
        stale_in = self._ahead.seconds_until_stale()
        timer = (
            None
            if stale_in is None
            else asyncio.get_running_loop().call_later(stale_in, self._slot_freed.set)
        )
        try:
            await self._slot_freed.wait()
        finally:
            if timer is not None:
                timer.cancel()

    async def _idle(self, until_idle: bool) -> None:
        """Wait for new work, without missing a job created while we start waiting."""
        waiter = asyncio.create_task(self.queue.wait_for_work(self.settings.poll_interval))
        await asyncio.sleep(0)
        claims = await self._claim()
        if claims:
            waiter.cancel()
            self._start(claims)
            return
        stop = asyncio.create_task(self._stopping.wait())
        running = self._tasks() if until_idle else set()
        try:
            await asyncio.wait({waiter, stop, *running}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            stop.cancel()

    async def _sleep_unless_stopping(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _drain(self) -> None:
        await hand_back(self.queue, self._ahead.all())
        tasks = list(self._tasks())
        if not tasks:
            return
        _done, unfinished = await asyncio.wait(tasks, timeout=self.settings.stop_grace)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
