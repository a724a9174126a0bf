"""Adapters under contract. A new adapter joins by adding a fixture and its name below."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from semiont_jobs import FilesystemEventBus, FilesystemJobStore, InMemoryEventBus, InMemoryJobStore
from tests.contract.inference_harnesses import (  # noqa: F401  (fixtures)
    anthropic_inference,
    openai_inference,
    scripted_inference,
)
from tests.support.postgres import (  # noqa: F401  (fixtures)
    migrated_schema,
    pg_dsn,
    pg_schema,
    postgres_event_bus,
    postgres_job_store,
)

JOB_STORE_ADAPTERS = ["memory_job_store", "filesystem_job_store", "postgres_job_store"]
EVENT_BUS_ADAPTERS = ["memory_event_bus", "filesystem_event_bus", "postgres_event_bus"]
DURABLE_EVENT_BUS_ADAPTERS = ["filesystem_event_bus"]
"""Buses that keep a log: replay, cursors and delivery across processes."""
INFERENCE_CLIENT_ADAPTERS = ["scripted_inference", "anthropic_inference", "openai_inference"]


@pytest.fixture
async def memory_job_store() -> AsyncIterator[InMemoryJobStore]:
    store = InMemoryJobStore()
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def filesystem_job_store(tmp_path: Path) -> AsyncIterator[FilesystemJobStore]:
    store = FilesystemJobStore(tmp_path / "data")
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def memory_event_bus() -> InMemoryEventBus:
    return InMemoryEventBus()


@pytest.fixture
async def filesystem_event_bus(tmp_path: Path) -> AsyncIterator[FilesystemEventBus]:
    bus = FilesystemEventBus(tmp_path / "data")
    yield bus
    await bus.close()
