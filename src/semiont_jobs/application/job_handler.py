"""What a job does, and who hears how it went: the two protocols the worker runtime runs.

A :class:`JobHandler` is the job's code: given the running job and its
:class:`~semiont_jobs.application.job_context.JobContext`, it does the work and
returns the result. A :class:`JobListener` is told, after each change of a job's
state has been stored, what happened; the Semiont lifecycle events are one listener.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

from semiont_jobs.application.job_context import JobContext
from semiont_jobs.domain.jobs import CompleteJob, FailedJob, PendingJob, RunningJob

P = TypeVar("P")
G = TypeVar("G")
R_co = TypeVar("R_co", covariant=True)


class JobHandler(Protocol[P, G, R_co]):
    """Runs one attempt at a job whose params are ``P`` and progress ``G``, returning an ``R``.

    A plain ``async def`` function or an object with an ``async __call__`` of that
    shape is a handler. Raising fails the attempt: it is retried with backoff while
    retries are left, unless the error says ``retryable = False``. A handler that
    sees :class:`~semiont_jobs.application.job_context.JobCancelledError` must let it
    propagate (or return): the job was cancelled or its claim lost, and it is not completed.
    """

    def __call__(self, job: RunningJob[P, G], context: JobContext[P, G], /) -> Awaitable[R_co]: ...


class JobListener(Protocol):
    """Told of each job's life on a worker; each call comes after the state it reports was stored.

    A listener's error is logged and goes no further: it neither fails the job nor
    stops the worker.
    """

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        """A job was claimed and is about to run (once per attempt)."""

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        """A running job's new progress was stored."""

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        """A job was stored as complete."""

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        """A job was stored as failed for good (once per job)."""

    async def on_job_retrying(self, job: PendingJob[Any], error: BaseException) -> None:
        """A failed attempt was stored as pending, to be retried."""


class QuietListener:
    """A listener that does nothing: subclass it and override only what you need."""

    async def on_job_started(self, job: RunningJob[Any, Any]) -> None:
        """Nothing."""

    async def on_progress(self, job: RunningJob[Any, Any]) -> None:
        """Nothing."""

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        """Nothing."""

    async def on_job_failed(self, job: FailedJob[Any]) -> None:
        """Nothing."""

    async def on_job_retrying(self, job: PendingJob[Any], error: BaseException) -> None:
        """Nothing."""
