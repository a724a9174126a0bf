"""The error hierarchy's root and the domain's own errors.

Every error this package raises on purpose is a :class:`SemiontJobsError`.
Each layer adds subclasses that carry the facts a caller needs to act.
"""

from __future__ import annotations

MESSAGE_LIMIT = 300
"""Parts of a message quoted from input (a value, a path) are cut to this many characters."""


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis, so hostile input cannot flood a message."""
    return text if len(text) <= limit else text[:limit] + "…"


class SemiontJobsError(Exception):
    """Base class of every error raised by semiont-jobs."""


class DomainError(SemiontJobsError):
    """A rule of the job model was broken."""


class InvalidJobIdError(DomainError, ValueError):
    """A job id is not safe to use as a file name or key."""

    def __init__(self, value: object, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"invalid job id {shorten(repr(value), 80)}: {reason}")


class IllegalTransitionError(DomainError):
    """A job was asked to move to a state it cannot reach from its current one."""

    def __init__(self, job_id: str, status: str, action: str) -> None:
        self.job_id = job_id
        self.status = status
        self.action = action
        super().__init__(f"cannot {action} job {job_id!r}: it is {status}")


class InvalidJobError(DomainError, ValueError):
    """Job data does not describe a valid job; ``field`` names the offending part."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid job data at {shorten(field, 120)}: {shorten(reason)}")
