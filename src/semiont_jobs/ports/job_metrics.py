"""The JobMetrics port: what the worker runtime counts and times, for a metrics backend to export."""

from __future__ import annotations

from typing import Literal, Protocol

from semiont_jobs.domain.queries import QueueStats

AttemptOutcome = Literal["complete", "retried", "failed", "lost", "handed-back"]
"""How an attempt ended: the job complete, pending for a retry, failed for good, taken from this worker
(cancelled, or its lease lost), or handed back unfinished by a worker that stops."""

TimeLimit = Literal["job_timeout", "stall_timeout"]


class JobMetrics(Protocol):
    """Told what happened, as it happens; each call is cheap, synchronous and never raises.

    Job types are the job model's type names; ``provider`` and ``model`` name the
    language model as the inference adapter knows it.
    """

    def attempt_started(self, job_type: str, queue_wait: float | None) -> None:
        """An attempt began; ``queue_wait`` is the seconds from enqueue to a first attempt's start."""
        ...

    def attempt_ended(self, job_type: str, outcome: AttemptOutcome, seconds: float) -> None:
        """An attempt ended after ``seconds``, as ``outcome`` says."""
        ...

    def attempt_timed_out(self, job_type: str, limit: TimeLimit) -> None:
        """An attempt went past ``limit`` and was cancelled."""
        ...

    def lease_recovered(self, job_type: str, failed: bool) -> None:
        """A job whose worker stopped renewing its lease went back to the queue (or ``failed`` for good)."""
        ...

    def queue_depth(self, stats: QueueStats) -> None:
        """The store's job counts per status, as last read."""
        ...

    def model_call(
        self,
        provider: str,
        model: str,
        seconds: float,
        *,
        input_tokens: int | None,
        output_tokens: int | None,
        error: str | None,
    ) -> None:
        """A model call ended after ``seconds``: with a reply and its token counts, or with ``error``."""
        ...


class NoMetrics:
    """The metrics used when none are exported: every call does nothing."""

    def attempt_started(self, job_type: str, queue_wait: float | None) -> None:
        """Nothing."""

    def attempt_ended(self, job_type: str, outcome: AttemptOutcome, seconds: float) -> None:
        """Nothing."""

    def attempt_timed_out(self, job_type: str, limit: TimeLimit) -> None:
        """Nothing."""

    def lease_recovered(self, job_type: str, failed: bool) -> None:
        """Nothing."""

    def queue_depth(self, stats: QueueStats) -> None:
        """Nothing."""

    def model_call(
        self,
        provider: str,
        model: str,
        seconds: float,
        *,
        input_tokens: int | None,
        output_tokens: int | None,
        error: str | None,
    ) -> None:
        """Nothing."""


NO_METRICS = NoMetrics()
"""The shared metrics that count nothing."""
