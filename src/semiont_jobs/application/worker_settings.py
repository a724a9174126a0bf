"""How a worker runs: concurrency, polling, leases and retries."""

from __future__ import annotations

from datetime import timedelta

import attrs

from semiont_jobs.application.retry_policy import RetryPolicy


@attrs.frozen(kw_only=True)
class WorkerSettings:
    """Tuning of one worker.

    A claimed job's lease lasts ``lease``; the worker renews it every
    ``heartbeat_interval`` seconds (a third of the lease by default) and looks
    for expired leases of its job types every ``recovery_interval`` seconds.
    ``stop_grace`` is how long ``stop()`` lets running jobs finish before
    handing them back to the queue.
    """

    concurrency: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    poll_interval: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))
    error_backoff: float = attrs.field(default=5.0, validator=attrs.validators.ge(0))
    lease: timedelta = attrs.field(default=timedelta(seconds=30))
    heartbeat_interval: float | None = None
    recovery_interval: float = attrs.field(default=15.0, validator=attrs.validators.gt(0))
    stop_grace: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)

    @lease.validator
    def _check_lease(self, _attribute: object, value: timedelta) -> None:
        if value <= timedelta(0):
            raise ValueError(f"lease must be positive, got {value}")

    @property
    def heartbeat_seconds(self) -> float:
        if self.heartbeat_interval is not None:
            return self.heartbeat_interval
        return self.lease.total_seconds() / 3
