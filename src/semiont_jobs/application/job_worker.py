"""The worker runtime: claims jobs, runs them, records how they ended."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, ClassVar

import attrs

from semiont_jobs.application.job_context import current_job_id
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.jobs import CompleteJob, FailedJob, PendingJob, RunningJob
from semiont_jobs.domain.vocabulary import JobType
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_store import Claim, JobFilter

log = logging.getLogger("semiont_jobs.worker")


class JobCancelledError(Exception):
    """Raised inside a job's execution when its claim was lost (cancelled or expired)."""

    def __init__(self, lost: LeaseLostError) -> None:
        self.lost = lost
        super().__init__(str(lost))


@attrs.define
class _Run:
    """One job in flight: its current claim and the latest state of the job."""

    claim: Claim
    task: asyncio.Task[None] | None = None
    lost: LeaseLostError | None = None

    @property
    def job(self) -> RunningJob[Any, Any]:
        return self.claim.job


def error_message(exc: BaseException) -> str:
    """A one-line description of ``exc`` for a job's ``error``."""
    return str(exc).strip() or type(exc).__name__


def is_retryable(exc: BaseException) -> bool:
    """Errors say ``retryable = False`` when trying again cannot help."""
    return getattr(exc, "retryable", True) is not False


class JobWorker(abc.ABC):
    """Base class of workers: subclasses say which jobs they take and how to run one.

    ``start()`` runs until ``stop()``: it claims up to ``settings.concurrency``
    jobs at a time, renews their leases, retries failures with backoff, and on
    stop hands unfinished jobs back to the queue. Per-job state lives in the job.
    """

    job_types: ClassVar[frozenset[JobType] | None] = None
    """The job types this worker may take (``None``: ask :meth:`can_process_job` about all)."""

    def __init__(self, queue: JobQueue, settings: WorkerSettings | None = None) -> None:
        self.queue = queue
        self.settings = settings or WorkerSettings()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._runs: dict[str, _Run] = {}
        overridden = type(self).can_process_job is not JobWorker.can_process_job
        self._filter: JobFilter | None = self.can_process_job if overridden else None
        """Sent to the store only when a subclass looks at more than the job type."""
        self._stopping = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopped.set()

    # -- what subclasses provide ------------------------------------------------

    @abc.abstractmethod
    def worker_name(self) -> str:
        """A short name for logs."""

    def can_process_job(self, job: PendingJob[Any]) -> bool:
        """Whether this worker takes ``job``; by default, whether its type is in ``job_types``.

        Override it to look at more than the type; the store then evaluates it
        for each candidate (a worker that only checks types claims faster).
        """
        return self.job_types is None or job.type in self.job_types

    @abc.abstractmethod
    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        """Do the job's work and return its result; raise to fail the attempt.

        Raising an error with ``retryable = False`` fails the job at once.
        """

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

    # -- for execute_job ----------------------------------------------------------

    async def report_progress(self, job: RunningJob[Any, Any], progress: Any) -> RunningJob[Any, Any]:
        """Store ``progress`` on the running job and return the updated job.

        Raises :class:`JobCancelledError` when the job was cancelled or its claim lost;
        the job must then stop without completing.
        """
        run = self._runs.get(job.id)
        if run is None:
            raise RuntimeError(f"job {job.id!r} is not running on this worker")
        updated = run.job.report_progress(progress)
        try:
            run.claim = await self.queue.save_progress(run.claim, updated)
        except LeaseLostError as exc:
            run.lost = exc
            raise JobCancelledError(exc) from exc
        await self._call_hook(self.on_progress, updated)
        return updated

    # -- running ----------------------------------------------------------------------

    @property
    def running_jobs(self) -> int:
        return len(self._runs)

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
                if len(self._runs) >= self.settings.concurrency:
                    await self._wait_for_a_slot()
                    continue
                claim = await self._claim()
                if claim is None:
                    if until_idle and not self._runs:
                        return
                    await self._idle(until_idle)
                    continue
            except Exception:
                log.exception("worker loop error", extra={"worker": self.worker_name()})
                await self._sleep_unless_stopping(self.settings.error_backoff)
                continue
            self._launch(claim)

    async def _claim(self) -> Claim | None:
        return await self.queue.claim_next(
            self.worker_id, lease=self.settings.lease, types=self.job_types, predicate=self._filter
        )

    async def _recover(self) -> None:
        for job in await self.queue.recover_expired(self.job_types):
            if isinstance(job, FailedJob):
                await self._call_hook(self.on_job_failed, job)

    def _launch(self, claim: Claim) -> None:
        run = _Run(claim)
        self._runs[claim.job_id] = run
        run.task = asyncio.create_task(self._process(run), name=f"job {claim.job_id}")

    async def _wait_for_a_slot(self) -> None:
        tasks = {run.task for run in self._runs.values() if run.task is not None}
        stop = asyncio.create_task(self._stopping.wait())
        try:
            await asyncio.wait({*tasks, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()

    async def _idle(self, until_idle: bool) -> None:
        """Wait for new work, without missing a job created while we start waiting."""
        waiter = asyncio.create_task(self.queue.wait_for_work(self.settings.poll_interval))
        await asyncio.sleep(0)
        claim = await self._claim()
        if claim is not None:
            waiter.cancel()
            self._launch(claim)
            return
        stop = asyncio.create_task(self._stopping.wait())
        running = {run.task for run in self._runs.values() if run.task is not None} if until_idle else set()
        try:
            await asyncio.wait({waiter, stop, *running}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            stop.cancel()

    async def _sleep_unless_stopping(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _drain(self) -> None:
        tasks = [run.task for run in self._runs.values() if run.task is not None]
        if not tasks:
            return
        _done, unfinished = await asyncio.wait(tasks, timeout=self.settings.stop_grace)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- one job ----------------------------------------------------------------------

    async def _process(self, run: _Run) -> None:
        job_id = run.claim.job_id
        current_job_id.set(job_id)
        heartbeat = asyncio.create_task(self._heartbeat(run))
        log.info("%s: job %s (%s) started", self.worker_name(), job_id, run.job.type)
        try:
            await self._call_hook(self.on_job_started, run.job)
            result = await self.execute_job(run.job)
            await self._complete(run, result)
        except asyncio.CancelledError:
            if run.lost is None:
                await asyncio.shield(self._hand_back(run))
                raise
            self._log_lost(run.lost)
        except JobCancelledError as exc:
            self._log_lost(exc.lost)
        except LeaseLostError as exc:
            self._log_lost(exc)
        except Exception as exc:
            await self._record_failure(run, exc)
        finally:
            heartbeat.cancel()
            del self._runs[job_id]

    async def _complete(self, run: _Run, result: Any) -> None:
        complete = run.job.complete(result, self.queue.clock())
        await self.queue.finish(run.claim, complete)
        log.info("%s: job %s complete", self.worker_name(), complete.id)
        await self._call_hook(self.on_job_completed, complete)

    async def _record_failure(self, run: _Run, exc: Exception) -> None:
        now = self.queue.clock()
        message = error_message(exc)
        if is_retryable(exc):
            retry_count = run.job.metadata.retry_count + 1
            after = run.job.record_failure(message, now, self._retry_at(exc, retry_count, now))
        else:
            after = run.job.fail(message, now)
        try:
            await self.queue.finish(run.claim, after)
        except LeaseLostError as lost:
            self._log_lost(lost)
            return
        if isinstance(after, FailedJob):
            log.error("%s: job %s failed: %s", self.worker_name(), after.id, message, exc_info=exc)
            await self._call_hook(self.on_job_failed, after)
        else:
            log.warning(
                "%s: job %s attempt %d failed, will retry: %s",
                self.worker_name(),
                after.id,
                after.metadata.retry_count,
                message,
            )
            await self._call_hook(self.on_job_retrying, after, exc)

    def _retry_at(self, exc: Exception, retry_count: int, now: datetime) -> datetime | None:
        """The backoff's time, or later when the error says how long to wait (``retry_after``)."""
        backoff = self.settings.retry.run_after(retry_count, now)
        asked = getattr(exc, "retry_after", None)
        if not isinstance(asked, int | float) or asked <= 0:
            return backoff
        wanted = now + timedelta(seconds=asked)
        return wanted if backoff is None or wanted > backoff else backoff

    async def _hand_back(self, run: _Run) -> None:
        try:
            await self.queue.finish(run.claim, run.job.release())
            log.warning("%s: job %s handed back unfinished", self.worker_name(), run.claim.job_id)
        except Exception:
            log.exception("could not hand back job %s; its lease will expire", run.claim.job_id)

    async def _heartbeat(self, run: _Run) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_seconds)
            try:
                run.claim = await self.queue.renew(run.claim, self.settings.lease)
            except LeaseLostError as exc:
                run.lost = exc
                if run.task is not None:
                    run.task.cancel()
                return
            except Exception:
                log.exception("lease renewal failed for job %s", run.claim.job_id)

    def _log_lost(self, lost: LeaseLostError) -> None:
        log.warning(
            "job %s no longer held (%s); not completing it",
            lost.job_id,
            lost.reason,
            extra={"worker": self.worker_name()},
        )

    async def _call_hook(self, hook: Any, *args: Any) -> None:
        try:
            await hook(*args)
        except Exception:
            log.exception("%s hook %s failed", self.worker_name(), getattr(hook, "__name__", hook))
