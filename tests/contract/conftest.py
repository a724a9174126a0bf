"""Adapters under contract. A new adapter joins by adding a fixture and its name below."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore, InMemoryEventBus, InMemoryJobStore

JOB_STORE_ADAPTERS = ["memory_job_store", "filesystem_job_store"]
EVENT_BUS_ADAPTERS = ["memory_event_bus"]


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
