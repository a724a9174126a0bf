"""What a running job's handler may ask of the runtime: report progress, see cancellation, log."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Generic, TypeVar

from semiont_jobs.domain.jobs import RunningJob
from semiont_jobs.ports.errors import LeaseLostError
from semiont_jobs.ports.job_metrics import TimeLimit

P = TypeVar("P")
G = TypeVar("G")

log = logging.getLogger("semiont_jobs.job")


class JobCancelledError(Exception):
    """Raised inside a job's handler when it must stop: the job was cancelled, its lease expired, or the
    attempt ran past a time limit (:class:`JobTimedOutError`).

    The handler must stop without completing. ``lost`` says how the claim was lost;
    it is ``None`` for a time limit, which the runtime records as a failed attempt.
    """

    def __init__(self, lost: LeaseLostError | None, message: str | None = None) -> None:
        self.lost = lost
        super().__init__(message if message is not None else str(lost))


class JobTimedOutError(JobCancelledError):
    """The attempt ran past ``limit`` (``job_timeout`` or ``stall_timeout``): it fails, to be retried."""

    def __init__(self, limit: TimeLimit, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        if limit == "stall_timeout":
            what = f"reported no progress for {seconds:g} s"
        else:
            what = f"ran for more than {seconds:g} s"
        super().__init__(None, f"timed out: the attempt {what} (workers.{limit})")


class _JobLog(logging.LoggerAdapter[logging.Logger]):
    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs.setdefault("extra", {}).update(self.extra or {})
        return msg, kwargs


class JobContext(Generic[P, G]):
    """The runtime's side of one attempt at a job, as its handler sees it.

    ``save`` stores a running job's new state under the attempt's claim and raises
    :class:`~semiont_jobs.ports.errors.LeaseLostError` when the claim is gone;
    ``lost`` tells whether the runtime has learnt that the claim is gone, and
    ``timed_out`` whether the attempt ran past a time limit.
    """

    def __init__(
        self,
        job: RunningJob[P, G],
        *,
        save: Callable[[RunningJob[P, G]], Awaitable[None]],
        lost: Callable[[], LeaseLostError | None] = lambda: None,
        timed_out: Callable[[], JobTimedOutError | None] = lambda: None,
        worker_id: str = "-",
    ) -> None:
        self._job = job
        self._save = save
        self._lost = lost
        self._timed_out = timed_out
        self.worker_id = worker_id
        self.log: logging.LoggerAdapter[logging.Logger] = _JobLog(
            log, {"job_id": job.id, "job_type": job.type, "attempt": self.attempt}
        )
        """A logger whose records carry the job's id, type and attempt."""

    @property
    def job(self) -> RunningJob[P, G]:
        """The job as last stored: its progress is the latest reported."""
        return self._job

    @property
    def attempt(self) -> int:
        """Which attempt this is: 1 for the first."""
        return self._job.metadata.retry_count + 1

    @property
    def cancelled(self) -> bool:
        """Whether the job was cancelled, its claim lost or its time up; the handler should stop soon."""
        return self._lost() is not None or self._timed_out() is not None

    def raise_if_cancelled(self) -> None:
        """Raise :class:`JobCancelledError` (:class:`JobTimedOutError` past a time limit) if cancelled."""
        lost = self._lost()
        if lost is not None:
            raise JobCancelledError(lost)
        timed_out = self._timed_out()
        if timed_out is not None:
            raise JobTimedOutError(timed_out.limit, timed_out.seconds)

    async def report_progress(self, progress: G) -> RunningJob[P, G]:
        """Store ``progress`` on the running job and return the job as stored.

        Raises :class:`JobCancelledError` when the job was cancelled, its claim
        lost or its time up; the handler must then stop without completing.
        """
        self.raise_if_cancelled()
        updated = self._job.report_progress(progress)
        try:
            await self._save(updated)
        except LeaseLostError as exc:
            raise JobCancelledError(exc) from exc
        self._job = updated
        return updated
