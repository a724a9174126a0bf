"""One attempt at one claimed job: run its handler, keep its lease and time limits, store how it ended."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from semiont_jobs.application.attempt_limits import AttemptLimits
from semiont_jobs.application.job_context import JobCancelledError, JobContext, JobTimedOutError
from semiont_jobs.application.job_handler import JobHandler, JobListener
from semiont_jobs.application.job_logging import JobLabel, label_current_task
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.errors import SemiontJobsError
from semiont_jobs.domain.jobs import FailedJob, RunningJob
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_metrics import NO_METRICS, AttemptOutcome, JobMetrics
from semiont_jobs.ports.job_store import Claim
from semiont_jobs.ports.tracer import Span

log = logging.getLogger("semiont_jobs.worker")


def error_message(exc: BaseException) -> str:
    """A one-line description of ``exc`` for a job's ``error``."""
    return str(exc).strip() or type(exc).__name__


def is_retryable(exc: BaseException) -> bool:
    """Errors say ``retryable = False`` when trying again cannot help."""
    return getattr(exc, "retryable", True) is not False


def is_expected(exc: BaseException) -> bool:
    """Whether ``exc`` is one of ours (a model, a resource, a bad job): logged in one line, no traceback."""
    return isinstance(exc, SemiontJobsError | JobTimedOutError)


async def notify(listeners: Sequence[JobListener], event: str, *args: Any) -> None:
    """Call ``event`` on every listener in order; a listener's error is logged, not raised."""
    for listener in listeners:
        try:
            await getattr(listener, event)(*args)
        except Exception:
            log.exception("listener %s failed in %s", type(listener).__name__, event)


class JobAttempt:
    """A claimed job on its way to complete, failed, pending again (retry or hand-back) or lost.

    ``on_handler_done`` is called once the handler has returned or raised, before
    the outcome is stored: the worker may then give the slot to another job.
    """

    def __init__(
        self,
        claim: Claim,
        queue: JobQueue,
        settings: WorkerSettings,
        listeners: Sequence[JobListener],
        worker_id: str,
        metrics: JobMetrics = NO_METRICS,
        *,
        on_handler_done: Callable[[], None] = lambda: None,
    ) -> None:
        self.claim = claim
        self.queue = queue
        self.settings = settings
        self.listeners = listeners
        self.metrics = metrics
        self.lost: LeaseLostError | None = None
        self.task: asyncio.Task[None] | None = None
        self.outcome: AttemptOutcome = "lost"
        self.handler_done = False
        """Whether the handler has returned or raised (the outcome may still be on its way to the store)."""
        self._on_handler_done = on_handler_done
        self._span: Span | None = None
        job_type = claim.job.type
        self.limits = AttemptLimits(
            settings.job_timeout_of(job_type),
            settings.stall_timeout_of(job_type),
            settings.timeout_grace,
            on_timeout=self._timed_out,
            force_stop=self._force_stop,
        )
        self.context: JobContext[Any, Any] = JobContext(
            claim.job,
            save=self._save,
            lost=lambda: self.lost,
            timed_out=lambda: self.limits.timed_out,
            worker_id=worker_id,
        )

    @property
    def job(self) -> RunningJob[Any, Any]:
        return self.context.job

    async def _save(self, job: RunningJob[Any, Any]) -> None:
        try:
            self.claim = await self.queue.save_progress(self.claim, job)
        except LeaseLostError as exc:
            self.lost = exc
            raise
        self.limits.progressed()
        await notify(self.listeners, "on_progress", job)

    def _queue_wait(self) -> float | None:
        if self.job.metadata.retry_count:
            return None
        return max(0.0, (self.job.started_at - self.job.metadata.created).total_seconds())

    async def run(self, handler: JobHandler[Any, Any, Any]) -> None:
        """Run ``handler`` on the job under a heartbeat and its time limits, and store the outcome."""
        job, attempt = self.job, self.context.attempt
        label_current_task(JobLabel(job.id, job.type, attempt))
        self.metrics.attempt_started(job.type, self._queue_wait())
        started = time.monotonic()
        attributes = {"semiont_jobs.job.id": job.id, "semiont_jobs.job.type": job.type}
        with self.queue.tracer.span(
            "semiont_jobs.attempt",
            {**attributes, "semiont_jobs.job.attempt": attempt},
            parent=job.traceparent,
        ) as self._span:
            heartbeat = asyncio.create_task(self._heartbeat())
            watch = asyncio.create_task(self.limits.watch())
            log.info("job %s (%s) started, attempt %d", job.id, job.type, attempt)
            try:
                await self._run(handler)
            finally:
                heartbeat.cancel()
                watch.cancel()
                self._span.set_attribute("semiont_jobs.outcome", self.outcome)
                self.metrics.attempt_ended(job.type, self.outcome, time.monotonic() - started)

    async def _run(self, handler: JobHandler[Any, Any, Any]) -> None:
        try:
            await notify(self.listeners, "on_job_started", self.job)
            try:
                result = await handler(self.job, self.context)
            finally:
                self.handler_done = True
                self._on_handler_done()
            if self.limits.timed_out is not None:
                await self._record_failure(self.limits.timed_out)
            else:
                await self._complete(result)
        except asyncio.CancelledError:
            if self.lost is not None:
                self._log_lost(self.lost)
            elif self.limits.timed_out is not None:
                await self._fail_cancelled(self.limits.timed_out)
            else:
                await asyncio.shield(self._hand_back())
                raise
        except JobCancelledError as exc:
            if exc.lost is not None:
                self._log_lost(exc.lost)
            else:
                await self._record_failure(self.limits.timed_out or exc)
        except LeaseLostError as exc:
            self._log_lost(exc)
        except Exception as exc:
            await self._record_failure(self.limits.timed_out or exc)

    async def _fail_cancelled(self, error: JobTimedOutError) -> None:
        """Record the time-out of a handler whose task was cancelled; re-raise a cancellation not ours."""
        task = asyncio.current_task()
        others = task.cancelling() if task is not None else 0
        if self.limits.forced and task is not None:
            others = task.uncancel()
        await asyncio.shield(self._record_failure(error))
        if others:
            raise asyncio.CancelledError

    def _timed_out(self, error: JobTimedOutError) -> None:
        log.warning("job %s: %s; cancelling it", self.claim.job_id, error)
        self.metrics.attempt_timed_out(self.job.type, error.limit)

    def _force_stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def _complete(self, result: Any) -> None:
        complete = self.job.complete(result, self.queue.clock())
        await self.queue.finish(self.claim, complete)
        self.outcome = "complete"
        log.info("job %s complete", complete.id)
        await notify(self.listeners, "on_job_completed", complete)

    async def _record_failure(self, exc: Exception) -> None:
        now = self.queue.clock()
        message = error_message(exc)
        attempt = self.context.attempt
        if is_retryable(exc):
            after = self.job.record_failure(message, now, self._retry_at(exc, attempt, now))
        else:
            after = self.job.fail(message, now)
        try:
            await self.queue.finish(self.claim, after)
        except LeaseLostError as lost:
            self._log_lost(lost)
            return
        if self._span is not None:
            self._span.set_error(message)
        traceback = None if is_expected(exc) else exc
        if isinstance(after, FailedJob):
            self.outcome = "failed"
            log.error(
                "job %s failed for good, attempt %d: %s", after.id, attempt, message, exc_info=traceback
            )
            await notify(self.listeners, "on_job_failed", after)
        else:
            self.outcome = "retried"
            log.warning(
                "job %s attempt %d failed, will retry: %s", after.id, attempt, message, exc_info=traceback
            )
            await notify(self.listeners, "on_job_retrying", after, exc)

    def _retry_at(self, exc: Exception, retry_count: int, now: datetime) -> datetime | None:
        """The backoff's time, or later when the error says how long to wait (``retry_after``)."""
        backoff = self.settings.retry.run_after(retry_count, now)
        asked = getattr(exc, "retry_after", None)
        if not isinstance(asked, int | float) or asked <= 0:
            return backoff
        wanted = now + timedelta(seconds=asked)
        return wanted if backoff is None or wanted > backoff else backoff

    async def _hand_back(self) -> None:
        try:
            await self.queue.finish(self.claim, self.job.release())
            self.outcome = "handed-back"
            log.warning("job %s handed back unfinished", self.claim.job_id)
        except Exception:
            log.exception("could not hand back job %s; its lease will expire", self.claim.job_id)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_seconds)
            try:
                self.claim = await self.queue.renew(self.claim, self.settings.lease)
            except LeaseLostError as exc:
                self.lost = exc
                if self.task is not None:
                    self.task.cancel()
                return
            except Exception as exc:
                traceback = None if is_expected(exc) else exc
                log.warning(
                    "lease renewal failed for job %s: %s",
                    self.claim.job_id,
                    error_message(exc),
                    exc_info=traceback,
                )

    def _log_lost(self, lost: LeaseLostError) -> None:
        self.outcome = "lost"
        log.warning("job %s no longer held (%s); not completing it", lost.job_id, lost.reason)
