"""The one place where psycopg's errors become the job store port's."""

from __future__ import annotations

import re
from typing import Final

import psycopg

from semiont_jobs.adapters.postgres.connection import Target
from semiont_jobs.ports.errors import JobAlreadyExistsError, JobStoreError, StoreUnavailableError

_DUPLICATE_KEY: Final = re.compile(r"\(id\)=\((?P<id>[^)]*)\)")


def translate(target: Target, exc: psycopg.Error) -> JobStoreError:
    """The port's error for ``exc``, raised by a job store at ``target`` (no password in its text)."""
    if isinstance(exc, psycopg.errors.UniqueViolation):
        match = _DUPLICATE_KEY.search(exc.diag.message_detail or "")
        return JobAlreadyExistsError(match["id"] if match else "?")
    if isinstance(exc, psycopg.OperationalError):
        return StoreUnavailableError(target.where, target.reason(exc))
    return JobStoreError(f"job store at {target.where} failed: {target.reason(exc)}")
