-- Priorities (higher claimed first, then oldest first) and unique jobs (one pending or running job per key).
ALTER TABLE semiont_jobs ADD COLUMN priority integer NOT NULL DEFAULT 0, ADD COLUMN unique_key text;
UPDATE semiont_jobs SET priority = (document -> 'metadata' ->> 'priority')::integer
WHERE jsonb_typeof(document -> 'metadata' -> 'priority') = 'number';
UPDATE semiont_jobs SET unique_key = document -> 'metadata' ->> 'uniqueKey'
WHERE jsonb_typeof(document -> 'metadata' -> 'uniqueKey') = 'string';

-- claim: the first pending job in priority order, of any type or of one type
DROP INDEX semiont_jobs_pending;
DROP INDEX semiont_jobs_pending_by_type;
CREATE INDEX semiont_jobs_pending ON semiont_jobs (priority DESC, created, seq) WHERE status = 'pending';
CREATE INDEX semiont_jobs_pending_by_type ON semiont_jobs (type, priority DESC, created, seq)
    WHERE status = 'pending';

-- create: at most one pending or running job per unique key
CREATE UNIQUE INDEX semiont_jobs_unique_key ON semiont_jobs (unique_key)
    WHERE unique_key IS NOT NULL AND status IN ('pending', 'running');
