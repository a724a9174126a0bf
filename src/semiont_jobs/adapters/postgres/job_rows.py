"""The SQL of the jobs table, and a job's indexed columns."""

from __future__ import annotations

from typing import Any, Final

from psycopg.types.json import Jsonb

from semiont_jobs.codec import job_to_dict
from semiont_jobs.domain.jobs import Job, PendingJob, finished_at

_COLUMNS: Final = "id, status, type, user_id, created, run_after, finished_at, document"

_RUNNING_DOCUMENT: Final = """jsonb_build_object(
    'status', 'running', 'metadata', j.document -> 'metadata', 'params', j.document -> 'params',
    'startedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'progress', '{}'::jsonb)"""

INSERT: Final = f"""
WITH inserted AS (
    INSERT INTO semiont_jobs ({_COLUMNS})
    VALUES (%(id)s, %(status)s, %(type)s, %(user_id)s, %(created)s, %(run_after)s, %(finished_at)s,
            %(document)s)
    ON CONFLICT (id) DO NOTHING
    RETURNING type)
SELECT count(*) FROM inserted, pg_notify(%(channel)s, inserted.type)"""

INSERT_MANY: Final = f"""
WITH inserted AS (
    INSERT INTO semiont_jobs ({_COLUMNS})
    SELECT id, status, type, user_id, created, run_after, finished_at, document
    FROM unnest(%(id)s::text[], %(status)s::text[], %(type)s::text[], %(user_id)s::text[],
                %(created)s::timestamptz[], %(run_after)s::timestamptz[], %(finished_at)s::timestamptz[],
                %(document)s::jsonb[])
        WITH ORDINALITY AS given(id, status, type, user_id, created, run_after, finished_at, document, n)
    ORDER BY n
    RETURNING type)
SELECT n, pg_notify(%(channel)s, '') FROM (SELECT count(*) AS n FROM inserted) AS counted WHERE n > 0"""

SELECT_DOCUMENT: Final = "SELECT document FROM semiont_jobs WHERE id = %s"
SELECT_STATUS_AND_DOCUMENT: Final = "SELECT status, document FROM semiont_jobs WHERE id = %s"

UPDATE: Final = """
WITH updated AS (
    UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
        document = %(document)s,
        lease_owner = CASE WHEN %(status)s = 'running' THEN lease_owner END,
        lease_token = CASE WHEN %(status)s = 'running' THEN lease_token END,
        lease_expires_at = CASE WHEN %(status)s = 'running' THEN lease_expires_at END
    WHERE id = %(id)s AND status = %(expected)s
    RETURNING status, type)
SELECT count(*), count(pg_notify(%(channel)s, type)) FILTER (WHERE status = 'pending') FROM updated"""

_DUE: Final = "status = 'pending' AND (run_after IS NULL OR run_after <= now())"
_OF_TYPES: Final = " AND type = ANY(%(types)s)"

_CLAIM_SET: Final = f"""
UPDATE semiont_jobs AS j SET status = 'running', run_after = NULL, lease_owner = %(worker)s,
    lease_token = %(token)s, lease_expires_at = now() + %(lease)s, document = {_RUNNING_DOCUMENT}"""


def claim_oldest(with_types: bool) -> str:
    """One statement: lock the oldest due job (skipping locked ones) and start it."""
    return f"""{_CLAIM_SET}
WHERE j.id = (SELECT id FROM semiont_jobs WHERE {_DUE}{_OF_TYPES if with_types else ""}
              ORDER BY created, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING j.document, j.lease_expires_at"""


def claim_candidates(with_types: bool) -> str:
    """Lock the next batch of due jobs after (created, seq), skipping locked ones."""
    return f"""
SELECT id, created, seq, document FROM semiont_jobs
WHERE {_DUE}{_OF_TYPES if with_types else ""} AND (created, seq) > (%(after_created)s, %(after_seq)s)
ORDER BY created, seq LIMIT %(batch)s FOR UPDATE SKIP LOCKED"""


CLAIM_CHOSEN: Final = f"""{_CLAIM_SET}
WHERE j.id = %(id)s
RETURNING j.document, j.lease_expires_at"""

FIND_TOKEN: Final = """
SELECT document, lease_expires_at FROM semiont_jobs
WHERE status = 'running' AND lease_token = %(token)s AND lease_owner = %(worker)s"""

RENEW: Final = """
UPDATE semiont_jobs SET lease_expires_at = now() + %(lease)s
WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
RETURNING document, lease_expires_at"""

SAVE_PROGRESS: Final = """
UPDATE semiont_jobs SET document = %(document)s
WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
RETURNING lease_expires_at"""

FINISH: Final = """
WITH finished AS (
    UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
        document = %(document)s,
        lease_owner = CASE WHEN %(status)s = 'running' THEN lease_owner END,
        lease_token = CASE WHEN %(status)s = 'running' THEN lease_token END,
        lease_expires_at = CASE WHEN %(status)s = 'running' THEN lease_expires_at END
    WHERE id = %(id)s AND status = 'running' AND lease_token = %(token)s
    RETURNING status, type)
SELECT count(*), count(pg_notify(%(channel)s, type)) FILTER (WHERE status = 'pending') FROM finished"""


def expired(with_types: bool) -> str:
    return f"""
SELECT document, now() FROM semiont_jobs
WHERE status = 'running' AND lease_expires_at <= now(){_OF_TYPES if with_types else ""}
ORDER BY lease_expires_at FOR UPDATE SKIP LOCKED"""


RECOVER: Final = """
UPDATE semiont_jobs SET status = %(status)s, run_after = %(run_after)s, finished_at = %(finished_at)s,
    document = %(document)s, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE id = %(id)s"""

STATS: Final = "SELECT status, count(*) FROM semiont_jobs GROUP BY status"

DELETE_FINISHED: Final = """
DELETE FROM semiont_jobs WHERE status = ANY(%(statuses)s) AND finished_at < %(cutoff)s"""

NOTIFY: Final = "SELECT pg_notify(%(channel)s, '')"


def list_query(filters: list[str]) -> str:
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    return f"""
SELECT document FROM semiont_jobs {where}
ORDER BY created DESC, seq DESC LIMIT %(limit)s OFFSET %(offset)s"""


def row_of(job: Job) -> dict[str, Any]:
    """The indexed columns and document of ``job``."""
    return {
        "id": job.id,
        "status": job.status,
        "type": job.type,
        "user_id": job.user_id,
        "created": job.metadata.created,
        "run_after": job.run_after if isinstance(job, PendingJob) else None,
        "finished_at": finished_at(job),
        "document": Jsonb(job_to_dict(job)),
    }
