-- Rows whose document cannot be read as a job are moved here with the reason, so they never block claims.
CREATE TABLE semiont_jobs_quarantine (
    id text PRIMARY KEY,
    status text NOT NULL,
    document jsonb NOT NULL,
    reason text NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT now()
);
