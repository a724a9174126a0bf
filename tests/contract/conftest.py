"""Adapters under contract. A new adapter joins by adding a fixture and its name below."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from semiont_jobs import InMemoryEventBus, InMemoryJobStore
from tests.support.postgres import (  # noqa: F401  (fixtures)
    migrated_schema,
    pg_dsn,
    pg_schema,
    postgres_event_bus,
    postgres_job_store,
)

JOB_STORE_ADAPTERS = ["memory_job_store", "postgres_job_store"]
EVENT_BUS_ADAPTERS = ["memory_event_bus", "postgres_event_bus"]


@pytest.fixture
async def memory_job_store() -> AsyncIterator[InMemoryJobStore]:
    store = InMemoryJobStore()
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def memory_event_bus() -> InMemoryEventBus:
    return InMemoryEventBus()
