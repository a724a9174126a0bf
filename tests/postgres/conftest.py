"""PostgreSQL fixtures (see tests/support/postgres.py)."""

from tests.support.postgres import (  # noqa: F401  (fixtures)
    migrated_schema,
    pg_dsn,
    pg_schema,
    postgres_event_bus,
    postgres_job_store,
)
