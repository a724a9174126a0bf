"""Errors the ports promise; adapters translate their drivers' errors into these."""

from __future__ import annotations

from semiont_jobs.domain.errors import SemiontJobsError


class JobStoreError(SemiontJobsError):
    """A job store could not do what was asked."""


class StoreUnavailableError(JobStoreError):
    """The store's medium (a directory, a database) cannot be reached or written."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"job store at {where} is unavailable: {reason}")


class JobNotFoundError(JobStoreError, LookupError):
    """No job has this id."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"no job with id {job_id!r}")


class JobAlreadyExistsError(JobStoreError):
    """A job with this id already exists."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"a job with id {job_id!r} already exists")


class JobStateConflictError(JobStoreError):
    """The job is not in the status the caller expected; someone else moved it."""

    def __init__(self, job_id: str, expected: str, actual: str | None) -> None:
        self.job_id = job_id
        self.expected = expected
        self.actual = actual
        super().__init__(f"job {job_id!r} is {actual or 'gone'}, expected {expected}")


class UniqueKeyContendedError(JobStoreError):
    """A unique job could not be created: its key kept changing hands (each holder finished
    before it could be returned). Creating it again is safe."""

    def __init__(self, job_id: str, unique_key: str, attempts: int) -> None:
        self.job_id = job_id
        self.unique_key = unique_key
        self.attempts = attempts
        super().__init__(
            f"job {job_id!r} was not created: its unique key {unique_key!r} changed hands {attempts} times; "
            "try again"
        )


class LeaseLostError(JobStoreError):
    """A worker no longer holds the job it claimed.

    ``reason`` is ``"cancelled"`` when a user cancelled the job, ``"expired"`` when
    the lease ran out and the job was recovered, ``"gone"`` when it no longer exists.
    """

    def __init__(self, job_id: str, reason: str) -> None:
        self.job_id = job_id
        self.reason = reason
        super().__init__(f"lease on job {job_id!r} lost: {reason}")


class EventBusError(SemiontJobsError):
    """An event could not be published or delivered."""


class ContentError(SemiontJobsError):
    """A resource's content could not be had."""


class ResourceNotFoundError(ContentError, LookupError):
    """No resource has this id. Not retryable: a job about it fails at once."""

    retryable = False

    def __init__(self, resource_id: str, where: str | None = None) -> None:
        self.resource_id = resource_id
        self.where = where
        place = f" in {where}" if where else ""
        super().__init__(f"resource {resource_id!r} not found{place}")


class InferenceError(SemiontJobsError):
    """A language model call failed.

    ``retryable`` says whether the same call may succeed later (rate limit,
    overload, timeout), as opposed to a rejected request or a bad key;
    ``retry_after`` is how many seconds the provider asked us to wait, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.provider = provider
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(f"{provider}: {message}")


class InferenceTimeoutError(InferenceError):
    """A model call got no reply in time. Retryable; the call was sent once and is not re-sent."""

    def __init__(self, message: str, *, provider: str, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(message, provider=provider, retryable=True)


class ContextLengthExceededError(InferenceError):
    """The prompt and the reply budget do not fit the model's context window.

    Not retryable as sent; the same content split into smaller prompts may pass.
    """

    def __init__(self, message: str, *, provider: str, status: int | None = None) -> None:
        super().__init__(message, provider=provider, status=status, retryable=False)


class ConfigurationError(SemiontJobsError):
    """A setting is missing or wrong; ``setting`` names it (and ``env_var`` where one applies)."""

    def __init__(self, setting: str, reason: str, *, env_var: str | None = None) -> None:
        self.setting = setting
        self.reason = reason
        self.env_var = env_var
        hint = f" (set it, or the environment variable {env_var})" if env_var else ""
        super().__init__(f"configuration {setting}: {reason}{hint}")
