-- Jobs: indexed columns for claiming, listing and counting; the job itself as wire-format JSONB.
CREATE TABLE semiont_jobs (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    status text NOT NULL CHECK (status IN ('pending', 'running', 'complete', 'failed', 'cancelled')),
    type text NOT NULL,
    user_id text NOT NULL,
    created timestamptz NOT NULL,
    run_after timestamptz,
    lease_owner text,
    lease_token text,
    lease_expires_at timestamptz,
    finished_at timestamptz,
    document jsonb NOT NULL
);

-- claim: the oldest pending job, of any type or of one type
CREATE INDEX semiont_jobs_pending ON semiont_jobs (created, seq) WHERE status = 'pending';
CREATE INDEX semiont_jobs_pending_by_type ON semiont_jobs (type, created, seq) WHERE status = 'pending';
-- recover_expired
CREATE INDEX semiont_jobs_leases ON semiont_jobs (lease_expires_at) WHERE status = 'running';
-- list (newest first) and stats
CREATE INDEX semiont_jobs_by_created ON semiont_jobs (created DESC, seq DESC);
CREATE INDEX semiont_jobs_by_status ON semiont_jobs (status, created DESC, seq DESC);
CREATE INDEX semiont_jobs_by_user ON semiont_jobs (user_id, created DESC, seq DESC);
-- delete_finished_before
CREATE INDEX semiont_jobs_finished ON semiont_jobs (finished_at) WHERE finished_at IS NOT NULL;
