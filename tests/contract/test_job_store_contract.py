"""The JobStore contract, run against each of our stores."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore, InMemoryJobStore
from semiont_jobs.adapters.postgres import PostgresJobStore
from semiont_jobs.testing import JobStoreContract


class TestInMemoryJobStore(JobStoreContract):
    @pytest.fixture
    async def adapter(self) -> AsyncIterator[InMemoryJobStore]:
        store = InMemoryJobStore()
        await store.open()
        yield store
        await store.close()


class TestFilesystemJobStore(JobStoreContract):
    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[FilesystemJobStore]:
        store = FilesystemJobStore(tmp_path / "data")
        await store.open()
        yield store
        await store.close()


class TestPostgresJobStore(JobStoreContract):
    @pytest.fixture
    def adapter(self, postgres_job_store: PostgresJobStore) -> PostgresJobStore:
        return postgres_job_store
