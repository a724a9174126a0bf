"""Which job the running task works on, so that every log line can name it."""

from __future__ import annotations

import logging
from contextvars import ContextVar

current_job_id: ContextVar[str | None] = ContextVar("semiont_jobs_current_job_id", default=None)
"""Set by the worker runtime for the task (and its subtasks) that runs one job."""


class JobIdFilter(logging.Filter):
    """Gives every record a ``job_id`` attribute: the job being worked on, or ``-``.

    Add it to a handler and use ``%(job_id)s`` in its format; a model call's
    token-usage line then says which job it was for.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.job_id = current_job_id.get() or "-"
        return True
