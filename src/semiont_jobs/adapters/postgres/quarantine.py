"""Rows whose document cannot be read as a job: set aside in ``semiont_jobs_quarantine`` with the reason.

A claim, a recovery or a listing that meets such a row moves it there (claims and
recoveries) or passes it by (listings), so one bad row never blocks the queue, and
nothing is lost: the row is kept whole for inspection.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

from semiont_jobs.adapters.postgres.pool import Connection
from semiont_jobs.codec import job_from_dict
from semiont_jobs.domain.errors import InvalidJobError
from semiont_jobs.domain.jobs import Job

log = logging.getLogger(__name__)

SET_ASIDE: Final = """
WITH moved AS (DELETE FROM semiont_jobs WHERE id = %(id)s RETURNING id, status, document)
INSERT INTO semiont_jobs_quarantine (id, status, document, reason)
SELECT id, status, document, %(reason)s FROM moved
ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, document = EXCLUDED.document,
    reason = EXCLUDED.reason, quarantined_at = now()"""

Unreadable = list[tuple[str, str]]
"""Rows met that cannot be read: their job id and why."""


def read_job(job_id: str, document: Any, unreadable: Unreadable) -> Job | None:
    """The job in ``document``, or ``None`` after noting the row in ``unreadable``."""
    try:
        return job_from_dict(document)
    except InvalidJobError as exc:
        unreadable.append((job_id, str(exc)))
        return None


def readable_jobs(rows: Sequence[Sequence[Any]]) -> list[Job]:
    """The jobs of ``(document, id)`` rows, leaving out (with a warning) those that cannot be read."""
    unreadable: Unreadable = []
    jobs = [job for document, job_id in rows if (job := read_job(job_id, document, unreadable)) is not None]
    for job_id, reason in unreadable:
        log.warning("job %s cannot be read (%s); left out of the listing", job_id, reason)
    return jobs


async def set_aside(conn: Connection, unreadable: Unreadable) -> None:
    """Move the ``unreadable`` rows to the quarantine table."""
    for job_id, reason in unreadable:
        log.warning("job %s cannot be read (%s); set aside in semiont_jobs_quarantine", job_id, reason)
        await conn.execute(SET_ASIDE, {"id": job_id, "reason": reason})
