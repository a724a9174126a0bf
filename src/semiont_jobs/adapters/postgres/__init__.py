"""PostgreSQL adapters: the job store and event bus that many processes and hosts share."""

from semiont_jobs.adapters.postgres.event_bus import PostgresEventBus, PostgresSubscription
from semiont_jobs.adapters.postgres.job_store import PostgresJobStore
from semiont_jobs.adapters.postgres.migrate import latest_version, migrate

__all__ = ["PostgresEventBus", "PostgresJobStore", "PostgresSubscription", "latest_version", "migrate"]
