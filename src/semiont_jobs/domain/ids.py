"""Branded identifiers and the job-id rule."""

from __future__ import annotations

import re
from typing import NewType

from semiont_jobs.domain.errors import InvalidJobIdError

JobId = NewType("JobId", str)
UserId = NewType("UserId", str)
ResourceId = NewType("ResourceId", str)
AnnotationId = NewType("AnnotationId", str)

MAX_JOB_ID_LENGTH = 200
_JOB_ID_CHARS = re.compile(r"[A-Za-z0-9._:-]+")


def validate_job_id(value: object) -> JobId:
    """Return ``value`` as a :data:`JobId`, or raise :class:`InvalidJobIdError`.

    A job id is 1 to 200 characters from ``[A-Za-z0-9._:-]`` and is neither
    ``.`` nor ``..``, so it can name a file in any store without escaping it.
    """
    if not isinstance(value, str):
        raise InvalidJobIdError(value, f"expected a string, got {type(value).__name__}")
    if not value:
        raise InvalidJobIdError(value, "it is empty")
    if len(value) > MAX_JOB_ID_LENGTH:
        raise InvalidJobIdError(value, f"it is longer than {MAX_JOB_ID_LENGTH} characters")
    if value in (".", ".."):
        raise InvalidJobIdError(value, "it is a path component")
    if _JOB_ID_CHARS.fullmatch(value) is None:
        bad = next(ch for ch in value if _JOB_ID_CHARS.fullmatch(ch) is None)
        raise InvalidJobIdError(value, f"character {bad!r} is not in [A-Za-z0-9._:-]")
    return JobId(value)
