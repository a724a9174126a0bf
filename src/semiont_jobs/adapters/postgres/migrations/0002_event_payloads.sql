-- Event payloads too large for a NOTIFY: the notification carries the row's id.
CREATE TABLE semiont_jobs_event_payloads (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX semiont_jobs_event_payloads_created ON semiont_jobs_event_payloads (created);
