"""Group commit in the filesystem store: transitions that arrive together share one sync pass."""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from semiont_jobs import FilesystemJobStore, JobId, StoreUnavailableError
from semiont_jobs.adapters.filesystem.jobs import group_commit
from semiont_jobs.adapters.helpers import durable_files
from semiont_jobs.testing.jobs import pending

LEASE = timedelta(seconds=30)


class SyncLog:
    """Records the syncs the committer asks for (and does them)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, fail: bool = False) -> None:
        self.files: list[int] = []
        self.dirs: list[list[str]] = []
        self.fail = fail
        real_files, real_dirs = durable_files.datasync_all, durable_files.fsync_dirs

        def files(fds: Sequence[int], pool: Executor) -> None:
            self.files.append(len(fds))
            if self.fail:
                raise OSError(errno.EIO, "Input/output error")
            real_files(fds, pool)

        def dirs(paths: Any) -> None:
            paths = list(paths)
            self.dirs.append(sorted({os.path.basename(p) for p in paths}))
            real_dirs(paths)

        monkeypatch.setattr(group_commit, "datasync_all", files)
        monkeypatch.setattr(group_commit, "fsync_dirs", dirs)


async def filled(data_dir: Path, count: int) -> FilesystemJobStore:
    """A store holding ``job-0`` ... pending, oldest first."""
    store = FilesystemJobStore(data_dir)
    for n in range(count):
        await store.create(pending(f"job-{n}", offset_seconds=n))
    return store


def names(data_dir: Path, status: str) -> list[str]:
    return sorted(p.name for p in (data_dir / "jobs" / status).iterdir())


async def test_a_batch_claim_is_one_sync_of_all_its_files_and_one_of_each_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await filled(tmp_path, 6)
    syncs = SyncLog(monkeypatch)
    claims = await store.claim_many("w", LEASE, 4)
    assert [claim.job_id for claim in claims] == [f"job-{n}" for n in range(4)]
    assert syncs.files == [4]
    assert syncs.dirs == [["pending", "running"]]
    await store.close()


async def test_completions_and_the_next_claims_that_arrive_together_share_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await filled(tmp_path, 8)
    claims = await store.claim_many("w", LEASE, 4)
    syncs = SyncLog(monkeypatch)
    now = datetime.now(UTC)
    await asyncio.gather(
        *(store.finish(claim, claim.job.complete(None, now)) for claim in claims),
        *(store.claim("w", LEASE) for _ in range(4)),
    )
    assert syncs.files == [8]
    assert syncs.dirs == [["complete", "pending", "running"]]
    assert names(tmp_path, "complete") == [f"job-{n}.json" for n in range(4)]
    assert names(tmp_path, "running") == [f"job-{n}.json" for n in range(4, 8)]
    await store.close()


async def test_two_transitions_of_one_job_never_share_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FilesystemJobStore(tmp_path)
    await store.create(pending("job-a"))
    claim = await store.claim("w", LEASE)
    assert claim is not None
    syncs = SyncLog(monkeypatch)
    await asyncio.gather(
        store.renew(claim, LEASE), store.finish(claim, claim.job.complete(None, datetime.now(UTC)))
    )
    assert syncs.files == [1, 1]
    assert names(tmp_path, "running") == [] and names(tmp_path, "complete") == ["job-a.json"]
    await store.close()


async def test_a_failed_sync_fails_the_whole_batch_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await filled(tmp_path, 3)
    syncs = SyncLog(monkeypatch, fail=True)
    with pytest.raises(StoreUnavailableError, match="Input/output error"):
        await store.claim_many("w", LEASE, 3)
    with pytest.raises(StoreUnavailableError):
        await store.create(pending("job-new"))
    assert names(tmp_path, "pending") == [f"job-{n}.json" for n in range(3)]
    assert names(tmp_path, "running") == []
    syncs.fail = False
    assert [c.job_id for c in await store.claim_many("w", LEASE, 5)] == [f"job-{n}" for n in range(3)]
    reopened = FilesystemJobStore(tmp_path)
    assert await reopened.get(JobId("job-new")) is None
    await reopened.close()


async def test_concurrent_first_calls_open_the_store_once(tmp_path: Path) -> None:
    store = FilesystemJobStore(tmp_path, fsync=False)
    ids = await asyncio.gather(*(store.create(pending(f"job-{n}", offset_seconds=n)) for n in range(64)))
    assert sorted(ids) == sorted(f"job-{n}" for n in range(64))
    assert len(await store.claim_many("w", LEASE, 100)) == 64
    await store.close()


async def test_the_next_batch_is_written_while_the_last_syncs_its_folders_and_released_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await filled(tmp_path, 2)
    await store.open()
    second_queued, first_sync_may_end = threading.Event(), threading.Event()
    data_syncs = folder_syncs = 0
    real_files, real_dirs = durable_files.datasync_all, durable_files.fsync_dirs

    def files(fds: Sequence[int], pool: Executor) -> None:
        nonlocal data_syncs
        data_syncs += 1
        if data_syncs == 1:
            assert second_queued.wait(10)
        real_files(fds, pool)

    def dirs(paths: Any) -> None:
        nonlocal folder_syncs
        folder_syncs += 1
        if folder_syncs == 1:
            assert first_sync_may_end.wait(10)
        real_dirs(paths)

    monkeypatch.setattr(group_commit, "datasync_all", files)
    monkeypatch.setattr(group_commit, "fsync_dirs", dirs)
    first = asyncio.create_task(store.claim("w-1", LEASE))
    while data_syncs < 1:
        await asyncio.sleep(0.005)
    second = asyncio.create_task(store.claim("w-2", LEASE))
    await asyncio.sleep(0.01)
    second_queued.set()
    while folder_syncs < 2:
        await asyncio.sleep(0.005)
    assert names(tmp_path, "running") == ["job-0.json", "job-1.json"]
    await asyncio.sleep(0.05)
    assert not first.done() and not second.done()
    first_sync_may_end.set()
    claims = [await first, await second]
    assert sorted(claim.job_id for claim in claims if claim is not None) == ["job-0", "job-1"]
    await store.close()


async def test_a_lone_transition_syncs_its_folders_in_the_same_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await filled(tmp_path, 1)
    await store.open()
    threads: list[int] = []
    real_files, real_dirs = durable_files.datasync_all, durable_files.fsync_dirs

    def files(fds: Sequence[int], pool: Executor) -> None:
        threads.append(threading.get_ident())
        real_files(fds, pool)

    def dirs(paths: Any) -> None:
        threads.append(threading.get_ident())
        real_dirs(paths)

    monkeypatch.setattr(group_commit, "datasync_all", files)
    monkeypatch.setattr(group_commit, "fsync_dirs", dirs)
    assert await store.claim("w", LEASE) is not None
    assert len(threads) == 2 and threads[0] == threads[1]
    await store.close()
