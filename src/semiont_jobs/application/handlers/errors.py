"""Errors of the workers themselves (detection and the ports have their own)."""

from __future__ import annotations

from semiont_jobs.domain.errors import SemiontJobsError


class WorkerError(SemiontJobsError):
    """A worker could not do a job."""


class MissingGenerationContextError(WorkerError):
    """A generation job came without the source context it is generated from. Not retryable."""

    retryable = False

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(
            f"generation job {job_id!r} has no params.context; "
            "the source context must be gathered before the job is queued"
        )


class EmptyGenerationError(WorkerError):
    """The model's reply held no content once code fences were stripped. Retryable."""

    retryable = True

    def __init__(self, title: str) -> None:
        self.title = title
        super().__init__(f"the model returned no content for the resource {title!r}")


class ResourceCreationTimeoutError(WorkerError):
    """No answer to a ``yield:create`` request arrived in time. Retryable."""

    retryable = True

    def __init__(self, request_id: str, timeout: float) -> None:
        self.request_id = request_id
        self.timeout = timeout
        super().__init__(
            f"no yield:created or yield:create-failed with requestId {request_id!r} "
            f"arrived within {timeout:g} s"
        )


class ResourceCreationFailedError(WorkerError):
    """The backend answered a ``yield:create`` request with ``yield:create-failed``. Retryable."""

    retryable = True

    def __init__(self, request_id: str, reason: str) -> None:
        self.request_id = request_id
        self.reason = reason
        super().__init__(f"the backend could not create the resource (request {request_id!r}): {reason}")


class InvalidCreationReplyError(WorkerError):
    """A ``yield:created`` reply to our request carried no usable ``resourceId``. Retryable."""

    retryable = True

    def __init__(self, request_id: str, payload: object) -> None:
        self.request_id = request_id
        self.payload = payload
        super().__init__(f"yield:created for request {request_id!r} has no string resourceId: {payload!r}")
