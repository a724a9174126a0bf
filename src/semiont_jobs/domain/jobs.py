"""A job's life: metadata, the five states and the moves between them.

States are immutable. Each move returns the next state; a move the current
state does not allow raises :class:`IllegalTransitionError`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

import attrs

from semiont_jobs.domain.catalog import JOB_KINDS
from semiont_jobs.domain.errors import DomainError, IllegalTransitionError
from semiont_jobs.domain.field_metadata import OMITTED_AT_DEFAULT
from semiont_jobs.domain.ids import JobId, UserId, validate_job_id
from semiont_jobs.domain.timestamps import optional_wire_precision, to_wire_precision
from semiont_jobs.domain.vocabulary import JobStatus, JobType

P = TypeVar("P")
PG = TypeVar("PG")
R = TypeVar("R")

DEFAULT_MAX_RETRIES = 3
LOST_WORKER_ERROR = "the worker holding this job stopped renewing its lease"


def _non_negative(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or value < 0:
        raise DomainError(f"{attribute.name} must be a non-negative integer, got {value!r}")


def _integer(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError(f"{attribute.name} must be an integer, got {value!r}")


@attrs.frozen(kw_only=True)
class JobMetadata:
    """Who asked for a job, when, of what type, and how many attempts it has had.

    ``priority`` orders claims (higher first, oldest first within a priority);
    ``unique_key``, when set, allows at most one pending or running job with that key
    (see :func:`~semiont_jobs.domain.uniqueness.unique_key_of`).
    """

    id: JobId = attrs.field(converter=validate_job_id)
    type: JobType
    user_id: UserId
    user_name: str
    user_email: str
    user_domain: str
    created: datetime = attrs.field(converter=to_wire_precision)
    retry_count: int = attrs.field(default=0, validator=_non_negative)
    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, validator=_non_negative)
    priority: int = attrs.field(default=0, validator=_integer, metadata={OMITTED_AT_DEFAULT: True})
    unique_key: str | None = None

    @property
    def retries_left(self) -> bool:
        """Whether one more failure would still leave the job pending."""
        return self.retry_count + 1 < self.max_retries

    def claim_order(self) -> tuple[int, datetime]:
        """Sorts jobs in the order they are claimed: higher priority first, then oldest first."""
        return (-self.priority, self.created)


def _check_params(job: _JobBase[Any]) -> None:
    kind = JOB_KINDS.get(job.metadata.type)
    if kind is None:
        raise DomainError(f"unknown job type {job.metadata.type!r}")
    if type(job.params) is not kind.params:
        raise DomainError(
            f"a {job.metadata.type} job needs {kind.params.__name__}, got {type(job.params).__name__}"
        )


@attrs.frozen(kw_only=True)
class _JobBase(Generic[P]):
    status: ClassVar[JobStatus]
    metadata: JobMetadata
    params: P

    def __attrs_post_init__(self) -> None:
        _check_params(self)

    @property
    def id(self) -> JobId:
        return self.metadata.id

    @property
    def type(self) -> JobType:
        return self.metadata.type

    @property
    def user_id(self) -> UserId:
        return self.metadata.user_id


@attrs.frozen(kw_only=True)
class PendingJob(_JobBase[P]):
    """Waiting to be claimed; not claimable before ``run_after`` when that is set.

    ``traceparent`` is the W3C trace context of the code that enqueued the job, when
    it ran inside a trace: the attempts' spans join that trace. It stays with the job
    through its attempts, retries and hand-backs.
    """

    status: ClassVar[Literal["pending"]] = "pending"
    run_after: datetime | None = attrs.field(default=None, converter=optional_wire_precision)
    last_error: str | None = None
    traceparent: str | None = None

    def is_due(self, now: datetime) -> bool:
        """Whether the job may be claimed at ``now``."""
        return self.run_after is None or self.run_after <= now

    def start(self, at: datetime) -> RunningJob[P, Any]:
        """Claimed by a worker at ``at``; no progress yet."""
        return RunningJob(
            metadata=self.metadata, params=self.params, started_at=at, traceparent=self.traceparent
        )

    def cancel(self, at: datetime) -> CancelledJob[P]:
        return CancelledJob(metadata=self.metadata, params=self.params, completed_at=at)


@attrs.frozen(kw_only=True)
class RunningJob(_JobBase[P], Generic[P, PG]):
    """Held by a worker; ``progress`` is ``None`` until the first report; ``traceparent`` as when pending."""

    status: ClassVar[Literal["running"]] = "running"
    started_at: datetime = attrs.field(converter=to_wire_precision)
    progress: PG | None = None
    traceparent: str | None = None

    def report_progress(self, progress: PG) -> RunningJob[P, PG]:
        return attrs.evolve(self, progress=progress)

    def complete(self, result: R | None, at: datetime) -> CompleteJob[P, R]:
        return CompleteJob(
            metadata=self.metadata,
            params=self.params,
            started_at=self.started_at,
            completed_at=at,
            result=result,
        )

    def fail(self, error: str, at: datetime) -> FailedJob[P]:
        """Failed for good; the failed attempt is counted."""
        return FailedJob(
            metadata=attrs.evolve(self.metadata, retry_count=self.metadata.retry_count + 1),
            params=self.params,
            started_at=self.started_at,
            completed_at=at,
            error=error,
        )

    def retry(self, error: str, run_after: datetime | None = None) -> PendingJob[P]:
        """Back to pending after a failed attempt, not claimable before ``run_after``."""
        if not self.metadata.retries_left:
            raise IllegalTransitionError(self.id, "out of retries", "retry")
        return PendingJob(
            metadata=attrs.evolve(self.metadata, retry_count=self.metadata.retry_count + 1),
            params=self.params,
            run_after=run_after,
            last_error=error,
            traceparent=self.traceparent,
        )

    def record_failure(
        self, error: str, at: datetime, run_after: datetime | None = None
    ) -> PendingJob[P] | FailedJob[P]:
        """Retry while retries are left, else fail (the reference's rule)."""
        if self.metadata.retries_left:
            return self.retry(error, run_after)
        return self.fail(error, at)

    def abandon(self, at: datetime) -> PendingJob[P] | FailedJob[P]:
        """Recovered after its worker's lease expired: a failed attempt, retried while retries are left."""
        return self.record_failure(LOST_WORKER_ERROR, at)

    def release(self) -> PendingJob[P]:
        """Handed back unfinished by a worker that stops; the attempt is not counted."""
        return PendingJob(metadata=self.metadata, params=self.params, traceparent=self.traceparent)

    def cancel(self, at: datetime) -> CancelledJob[P]:
        return CancelledJob(
            metadata=self.metadata, params=self.params, started_at=self.started_at, completed_at=at
        )


@attrs.frozen(kw_only=True)
class CompleteJob(_JobBase[P], Generic[P, R]):
    """Finished successfully; ``result`` is ``None`` when the worker returned nothing."""

    status: ClassVar[Literal["complete"]] = "complete"
    started_at: datetime = attrs.field(converter=to_wire_precision)
    completed_at: datetime = attrs.field(converter=to_wire_precision)
    result: R | None = None


@attrs.frozen(kw_only=True)
class FailedJob(_JobBase[P]):
    """Failed with no retries left (or for a reason retrying cannot fix)."""

    status: ClassVar[Literal["failed"]] = "failed"
    started_at: datetime | None = attrs.field(default=None, converter=optional_wire_precision)
    completed_at: datetime = attrs.field(converter=to_wire_precision)
    error: str

    def requeue(self) -> PendingJob[P]:
        """Pending again with its retries reset, no longer unique (another job may hold its key now)."""
        return _requeued(self.metadata, self.params)


@attrs.frozen(kw_only=True)
class CancelledJob(_JobBase[P]):
    """Stopped at a user's request."""

    status: ClassVar[Literal["cancelled"]] = "cancelled"
    started_at: datetime | None = attrs.field(default=None, converter=optional_wire_precision)
    completed_at: datetime = attrs.field(converter=to_wire_precision)

    def requeue(self) -> PendingJob[P]:
        """Pending again with its retries reset, no longer unique (another job may hold its key now)."""
        return _requeued(self.metadata, self.params)


def _requeued(metadata: JobMetadata, params: P) -> PendingJob[P]:
    return PendingJob(metadata=attrs.evolve(metadata, retry_count=0, unique_key=None), params=params)


Job: TypeAlias = (
    PendingJob[Any] | RunningJob[Any, Any] | CompleteJob[Any, Any] | FailedJob[Any] | CancelledJob[Any]
)
"""Any job in any state."""

FinishedJob: TypeAlias = CompleteJob[Any, Any] | FailedJob[Any] | CancelledJob[Any]

STATE_CLASSES: dict[JobStatus, type[Job]] = {
    "pending": PendingJob,
    "running": RunningJob,
    "complete": CompleteJob,
    "failed": FailedJob,
    "cancelled": CancelledJob,
}


def finished_at(job: Job) -> datetime | None:
    """When a finished job finished; ``None`` for pending and running jobs."""
    if isinstance(job, CompleteJob | FailedJob | CancelledJob):
        return job.completed_at
    return None
