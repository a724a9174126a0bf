"""How a worker runs: concurrency, polling, leases, retries and time limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs

from semiont_jobs.application.retry_policy import RetryPolicy
from semiont_jobs.application.time_limits import DEFAULT_JOB_TIMEOUT, DEFAULT_STALL_TIMEOUT, PerType, per_type
from semiont_jobs.domain.vocabulary import JobType


def _job_timeouts(value: Any) -> PerType:
    try:
        return per_type(value, DEFAULT_JOB_TIMEOUT)
    except ValueError as exc:
        raise ValueError(f"job_timeout: {exc}") from None


def _stall_timeouts(value: Any) -> PerType:
    try:
        return per_type(value, DEFAULT_STALL_TIMEOUT)
    except ValueError as exc:
        raise ValueError(f"stall_timeout: {exc}") from None


@attrs.frozen(kw_only=True)
class WorkerSettings:
    """Tuning of one worker.

    A claimed job's lease lasts ``lease``; the worker renews it every
    ``heartbeat_interval`` seconds (a third of the lease by default) and looks
    for expired leases of its job types every ``recovery_interval`` seconds.
    ``stop_grace`` is how long ``stop()`` lets running jobs finish before
    handing them back to the queue.

    An attempt may run ``job_timeout`` seconds in all and go ``stall_timeout``
    seconds without reporting progress (each a number for every job type or a
    mapping per type over the defaults; 0 = no limit). Past either, its handler
    sees it cancelled; one that has not stopped ``timeout_grace`` seconds later
    has its task cancelled. Either way the attempt counts as failed.

    ``prefetch`` jobs more than the free slots may be claimed at once, for short
    jobs (fewer claims per job). A job claimed ahead starts when a slot frees, or
    is handed back to the queue (unattempted) once it has waited a third of its
    lease or a heartbeat interval, whichever is shorter, and when the worker stops.
    """

    concurrency: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    poll_interval: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))
    error_backoff: float = attrs.field(default=5.0, validator=attrs.validators.ge(0))
    lease: timedelta = attrs.field(default=timedelta(seconds=30))
    heartbeat_interval: float | None = None
    recovery_interval: float = attrs.field(default=15.0, validator=attrs.validators.gt(0))
    stop_grace: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    job_timeout: PerType = attrs.field(default=DEFAULT_JOB_TIMEOUT, converter=_job_timeouts)
    stall_timeout: PerType = attrs.field(default=DEFAULT_STALL_TIMEOUT, converter=_stall_timeouts)
    timeout_grace: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))
    prefetch: int = attrs.field(default=0, validator=attrs.validators.ge(0))

    @lease.validator
    def _check_lease(self, _attribute: object, value: timedelta) -> None:
        if value <= timedelta(0):
            raise ValueError(f"lease must be positive, got {value}")

    @property
    def heartbeat_seconds(self) -> float:
        if self.heartbeat_interval is not None:
            return self.heartbeat_interval
        return self.lease.total_seconds() / 3

    @property
    def hold_ahead_seconds(self) -> float:
        """How long a job claimed ahead may wait for a slot before it is handed back."""
        return min(self.heartbeat_seconds, self.lease.total_seconds() / 3)

    def job_timeout_of(self, job_type: JobType) -> float | None:
        """Seconds an attempt at a ``job_type`` job may run, or ``None`` for no limit."""
        seconds = self.job_timeout.get(job_type, 0.0)
        return seconds or None

    def stall_timeout_of(self, job_type: JobType) -> float | None:
        """Seconds such an attempt may go without a progress report, or ``None`` for no limit."""
        seconds = self.stall_timeout.get(job_type, 0.0)
        return seconds or None
