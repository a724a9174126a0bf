"""Which job the running task works on, so that every log line can name it."""

from __future__ import annotations

import logging
from contextvars import ContextVar

import attrs

current_job_id: ContextVar[str | None] = ContextVar("semiont_jobs_current_job_id", default=None)
"""Set by the worker runtime for the task (and its subtasks) that runs one job."""


@attrs.frozen
class JobLabel:
    """The job a log line is about: its id, type and which attempt."""

    job_id: str
    job_type: str
    attempt: int


current_job: ContextVar[JobLabel | None] = ContextVar("semiont_jobs_current_job", default=None)
"""Set with :data:`current_job_id` by the runtime: the job the task works on, with its type and attempt."""


def label_current_task(label: JobLabel) -> None:
    """Mark the running task (and the subtasks it starts) as working on ``label``'s job."""
    current_job_id.set(label.job_id)
    current_job.set(label)


class JobIdFilter(logging.Filter):
    """Gives every record ``job_id``, ``job_type`` and ``attempt`` attributes: the job being worked on.

    Outside a job they are what the record was logged with (``extra``), else ``-``
    (``attempt``: ``None``). Add it to a handler and use ``%(job_id)s`` in its format;
    a model call's token-usage line then says which job it was for.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        label = current_job.get()
        job_id = current_job_id.get()
        if label is not None and label.job_id == job_id:
            record.job_id, record.job_type, record.attempt = label.job_id, label.job_type, label.attempt
        elif job_id is not None:
            record.job_id = job_id
        record.__dict__.setdefault("job_id", "-")
        record.__dict__.setdefault("job_type", "-")
        record.__dict__.setdefault("attempt", None)
        return True
