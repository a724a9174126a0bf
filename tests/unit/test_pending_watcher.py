"""The pending folder's watcher: armed before open() returns, else polling."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore
from semiont_jobs.adapters.filesystem.jobs import pending_watcher
from semiont_jobs.adapters.filesystem.jobs.pending_watcher import PendingWatcher
from semiont_jobs.testing.jobs import pending


async def test_open_returns_with_notifications_armed(tmp_path: Path) -> None:
    store = FilesystemJobStore(tmp_path, rescan_interval=60)
    await store.open()
    assert store._pending._watcher.mode == "notify"
    assert store._pending._watcher._armed.is_set()
    await store.close()


async def test_notifications_that_never_come_give_way_to_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pending_watcher, "ARM_TIMEOUT", 0.2)
    monkeypatch.setattr(PendingWatcher, "_make_probe", lambda self, attempt: None)  # a change nobody reports
    store = FilesystemJobStore(tmp_path, rescan_interval=60, poll_interval=0.05)
    await store.open()
    assert store._pending._watcher.mode == "poll"
    other = FilesystemJobStore(tmp_path)
    await other.create(pending("job-late"))
    await store.wait_for_work(5)
    claim = await store.claim("w", timedelta(seconds=30))
    assert claim is not None and claim.job_id == "job-late"
    await other.close()
    await store.close()
