"""Fixtures our adapters under contract are built from."""

from __future__ import annotations

from tests.support.inference_harnesses import (  # noqa: F401  (fixtures)
    anthropic_inference,
    openai_inference,
    scripted_inference,
)
from tests.support.postgres import (  # noqa: F401  (fixtures)
    migrated_schema,
    pg_dsn,
    pg_schema,
    postgres_job_store,
)
