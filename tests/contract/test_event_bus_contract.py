"""The EventBus contract, run against each of our buses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

import pytest

from semiont_jobs import FilesystemEventBus, InMemoryEventBus
from semiont_jobs.adapters.postgres import PostgresEventBus
from semiont_jobs.testing import BusOpener, EventBusContract


class TestInMemoryEventBus(EventBusContract):
    @pytest.fixture
    async def adapter(self) -> AsyncIterator[InMemoryEventBus]:
        bus = InMemoryEventBus()
        yield bus
        await bus.close()


class TestFilesystemEventBus(EventBusContract):
    keeps_log: ClassVar[bool] = True
    keeps_cursors: ClassVar[bool] = True
    spans_processes: ClassVar[bool] = True

    @pytest.fixture
    async def adapter(self, tmp_path: Path) -> AsyncIterator[FilesystemEventBus]:
        bus = FilesystemEventBus(tmp_path / "data")
        await bus.open()
        yield bus
        await bus.close()

    def opener(self, bus: FilesystemEventBus) -> BusOpener:
        return BusOpener("semiont_jobs.adapters.filesystem:FilesystemEventBus", (str(bus.directory.parent),))


class TestPostgresEventBus(EventBusContract):
    spans_processes: ClassVar[bool] = True

    @pytest.fixture
    async def adapter(self, pg_dsn: str, migrated_schema: str) -> AsyncIterator[PostgresEventBus]:
        self.medium = BusOpener(
            "semiont_jobs.adapters.postgres:PostgresEventBus", (pg_dsn,), {"schema": migrated_schema}
        )
        bus = self.medium.open()
        await bus.open()
        yield bus
        await bus.close()

    def opener(self, bus: PostgresEventBus) -> BusOpener:
        return self.medium
