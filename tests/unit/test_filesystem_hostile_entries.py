"""Whatever is put in a data directory's folders, the filesystem store reads or sets aside, and goes on."""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore, JobId, job_to_json
from semiont_jobs.adapters.filesystem.jobs.job_files import MAX_JOB_FILE_BYTES
from semiont_jobs.domain import JobQuery
from semiont_jobs.testing.jobs import pending
from tests.support.hostile_files import ENTRIES, folder, lexists, names_in

LEASE = timedelta(seconds=30)
STATUSES = ("pending", "running", "complete", "failed", "cancelled")


def regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[FilesystemJobStore]:
    store = FilesystemJobStore(tmp_path / "data", quarantine_settle=1, fsync=False)
    yield store
    await store.close()


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("kind", sorted(ENTRIES))
async def test_any_entry_in_any_status_folder_is_set_aside_and_the_queue_goes_on(
    store: FilesystemJobStore, status: str, kind: str
) -> None:
    ENTRIES[kind](folder(store.data_dir, status) / f"job-{kind}.json")
    if kind == "far-future-mtime":
        await asyncio.sleep(1.1)  # its change time, which cannot be faked, is now: it settles a second later
    await asyncio.wait_for(store.open(), 10)
    await store.create(pending("job-good"))
    assert (await asyncio.wait_for(store.stats(), 10)).total >= 1
    assert [job.id for job in await asyncio.wait_for(store.list(JobQuery()), 10)] == ["job-good"]
    assert await asyncio.wait_for(store.recover_expired(), 10) == []
    assert await asyncio.wait_for(store.get(JobId(f"job-{kind}")), 10) is None
    claim = await asyncio.wait_for(store.claim("w", LEASE), 10)
    assert claim is not None and claim.job_id == "job-good"
    assert names_in(folder(store.data_dir, "quarantine")) == [f"{status}.job-{kind}.json"]
    assert (await store.stats()).quarantined == 1
    assert not lexists(folder(store.data_dir, status) / f"job-{kind}.json")


async def test_an_entry_that_may_not_be_read_is_set_aside(
    store: FilesystemJobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = folder(store.data_dir, "pending") / "job-secret.json"
    locked.write_bytes(job_to_json(pending("job-secret")))
    real_open = os.open

    def forbidding(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", forbidding)
    await store.create(pending("job-good"))
    claim = await store.claim("w", LEASE)
    assert claim is not None and claim.job_id == "job-good"
    assert names_in(folder(store.data_dir, "quarantine")) == ["pending.job-secret.json"]


async def test_a_file_over_the_limit_is_set_aside_unread(
    store: FilesystemJobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = job_to_json(pending("job-big")).replace(b'"Ada"', b'"' + b"A" * MAX_JOB_FILE_BYTES + b'"')
    (folder(store.data_dir, "pending") / "job-big.json").write_bytes(big)
    reads: list[int] = []
    real_read = os.read

    def counting(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counting)
    assert await store.claim("w", LEASE) is None
    assert reads == []
    assert names_in(folder(store.data_dir, "quarantine")) == ["pending.job-big.json"]


async def test_a_valid_job_with_a_far_future_mtime_is_claimed_and_expires_by_its_change_time(
    tmp_path: Path,
) -> None:
    running = pending("job-ref").start(pending("job-ref").metadata.created)
    path = folder(tmp_path, "running") / "job-ref.json"
    path.write_bytes(job_to_json(running))
    os.utime(path, (1e18, 1e18))
    store = FilesystemJobStore(tmp_path, foreign_lease=timedelta(0), fsync=False)
    [recovered] = await store.recover_expired()
    assert recovered.id == "job-ref" and recovered.status == "pending"
    await store.close()


async def test_entries_with_temporary_names_that_are_no_files_are_left_alone(
    store: FilesystemJobStore,
) -> None:
    odd = folder(store.data_dir, "pending") / ".job-a.json.0badcafe.tmp"
    odd.mkdir()
    os.utime(odd, (1, 1))
    stale = folder(store.data_dir, "pending") / ".job-b.json.0badcafe.tmp"
    stale.write_bytes(b"{")
    os.utime(stale, (1, 1))
    os.symlink("/etc/passwd", folder(store.data_dir, "pending") / ".job-c.json.0badcafe.tmp")
    await store.open()
    assert names_in(folder(store.data_dir, "pending")) == [
        ".job-a.json.0badcafe.tmp",
        ".job-c.json.0badcafe.tmp",
    ]


async def test_a_temporary_file_that_vanishes_during_the_sweep_is_no_error(
    store: FilesystemJobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = folder(store.data_dir, "pending") / ".job-a.json.0badcafe.tmp"
    temp.write_bytes(b"{")
    real_scandir = os.scandir

    class Vanishing:
        def __init__(self, path: str) -> None:
            self._entries = real_scandir(path)

        def __enter__(self) -> Vanishing:
            return self

        def __exit__(self, *_exc: object) -> None:
            self._entries.close()

        def __iter__(self) -> Vanishing:
            return self

        def __next__(self) -> os.DirEntry[str]:
            entry = next(self._entries)
            if entry.name == temp.name:
                temp.unlink()  # the writer renames it into place after the listing
            return entry

    monkeypatch.setattr("semiont_jobs.adapters.filesystem.jobs.job_files.os.scandir", Vanishing)
    await store.open()
    assert (await store.stats()).total == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda path: path.mkdir(),
        lambda path: os.mkfifo(path),
        lambda path: path.symlink_to("/dev/null"),
        lambda path: path.symlink_to(path.parent / "nowhere"),
    ],
    ids=["folder", "fifo", "link", "dangling-link"],
)
async def test_a_lock_file_replaced_by_something_else_is_set_aside_and_locks_still_exclude(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    locks = folder(tmp_path, ".locks")
    for stripe in range(64):
        make(locks / f"{stripe:02d}.lock")
    first = FilesystemJobStore(tmp_path, fsync=False)
    await first.create(pending("job-a"))
    second = FilesystemJobStore(tmp_path, fsync=False)
    await second.open()
    claims = await asyncio.gather(first.claim("w1", LEASE), second.claim("w2", LEASE))
    assert sum(claim is not None for claim in claims) == 1
    assert all(regular_file(locks / f"{stripe:02d}.lock") for stripe in range(64))
    assert len(names_in(folder(tmp_path, "quarantine"))) == 64
    await first.close()
    await second.close()


async def test_a_job_whose_folder_holds_a_folder_of_its_name_is_moved_there_anyway(
    store: FilesystemJobStore,
) -> None:
    running = pending("job-a").start(pending("job-a").metadata.created)
    (folder(store.data_dir, "complete") / "job-a.json").write_bytes(job_to_json(running))
    (folder(store.data_dir, "running") / "job-a.json").mkdir()
    job = await store.get(JobId("job-a"))
    assert job is not None and job.status == "running"
    assert regular_file(folder(store.data_dir, "running") / "job-a.json")
    assert names_in(folder(store.data_dir, "quarantine")) == ["running.job-a.json"]
