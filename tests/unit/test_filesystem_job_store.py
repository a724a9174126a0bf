"""The filesystem store's own promises: the reference's files, bad files, crashes between steps, costs."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from semiont_jobs import (
    FilesystemJobStore,
    InvalidJobIdError,
    Job,
    JobId,
    RunningJob,
    job_from_json,
    job_to_json,
)
from semiont_jobs.domain import JobQuery
from semiont_jobs.ports import LeaseLostError
from semiont_jobs.testing.jobs import pending
from tests.support.job_file_reads import count_reads

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reference_jobs"
LEASE = timedelta(seconds=30)
OLD = time.time() - 3600


def jobs_dir(data_dir: Path) -> Path:
    return data_dir / "jobs"


def place(data_dir: Path, status: str, name: str, content: bytes, *, old: bool = True) -> Path:
    path = jobs_dir(data_dir) / status / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if old:
        os.utime(path, (OLD, OLD))
    return path


def place_reference_jobs(data_dir: Path) -> dict[JobId, Job]:
    """Copy the reference-written fixtures where the reference keeps them; return the jobs by id."""
    jobs = {}
    for fixture in sorted(FIXTURES.glob("*.json")):
        raw = fixture.read_bytes()
        job = job_from_json(raw)
        place(data_dir, job.status, f"{job.id}.json", raw)
        jobs[job.id] = job
    return jobs


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[FilesystemJobStore]:
    store = FilesystemJobStore(tmp_path / "data", quarantine_settle=0)
    yield store
    await store.close()


def files_in(data_dir: Path, status: str) -> list[str]:
    return sorted(p.name for p in (jobs_dir(data_dir) / status).iterdir())


async def test_open_creates_a_missing_data_directory(tmp_path: Path) -> None:
    store = FilesystemJobStore(tmp_path / "deep" / "data")
    await store.open()
    assert sorted(p.name for p in jobs_dir(tmp_path / "deep" / "data").iterdir()) == [
        ".locks",
        ".spare",
        "cancelled",
        "complete",
        "failed",
        "pending",
        "quarantine",
        "running",
    ]
    await store.close()


async def test_reference_written_jobs_are_read_counted_and_claimed(store: FilesystemJobStore) -> None:
    jobs = place_reference_jobs(store.data_dir)
    for job_id, job in jobs.items():
        assert await store.get(job_id) == job
    stats = await store.stats()
    assert (stats.pending, stats.running, stats.complete, stats.failed, stats.cancelled) == (1, 3, 2, 1, 1)
    claim = await store.claim("w", LEASE)
    assert claim is not None and claim.job_id == "job-V1StGXR8_Z5jdHi6B-myT"
    await store.finish(claim, claim.job.complete(None, datetime.now(UTC)))
    written = jobs_dir(store.data_dir) / "complete" / "job-V1StGXR8_Z5jdHi6B-myT.json"
    assert job_from_json(written.read_bytes()) == await store.get(claim.job_id)


async def test_files_we_write_are_the_wire_json(store: FilesystemJobStore) -> None:
    job = pending("job-a")
    await store.create(job)
    assert files_in(store.data_dir, "pending") == ["job-a.json"]
    assert (jobs_dir(store.data_dir) / "pending" / "job-a.json").read_bytes() == job_to_json(job)
    claim = await store.claim("worker-9", LEASE)
    assert claim is not None
    running = json.loads((jobs_dir(store.data_dir) / "running" / "job-a.json").read_bytes())
    assert running["status"] == "running" and running["progress"] == {}
    assert running["lease"]["workerId"] == "worker-9" and running["lease"]["token"] == claim.token
    done: Job = claim.job.complete(None, datetime.now(UTC))
    await store.finish(claim, done)
    assert (jobs_dir(store.data_dir) / "complete" / "job-a.json").read_bytes() == job_to_json(done)
    assert [files_in(store.data_dir, s) for s in ("pending", "running")] == [[], []]


async def test_reference_running_jobs_expire_after_the_foreign_lease(tmp_path: Path) -> None:
    place_reference_jobs(tmp_path)
    fresh = jobs_dir(tmp_path) / "running" / "job-gen-1.json"
    os.utime(fresh)
    store = FilesystemJobStore(tmp_path, foreign_lease=timedelta(minutes=10))
    recovered = await store.recover_expired()
    assert sorted(job.id for job in recovered) == ["job-hl-1", "job-ref-2"]
    assert not any(isinstance(job, RunningJob) for job in recovered)
    assert all(job.metadata.retry_count >= 1 for job in recovered)
    assert files_in(tmp_path, "running") == ["job-gen-1.json"]
    await store.close()


async def test_corrupt_and_torn_files_are_quarantined_and_counted(store: FilesystemJobStore) -> None:
    place(store.data_dir, "pending", "job-torn.json", b'{"status": "pending", "metad')
    place(store.data_dir, "pending", "job-wrong.json", json.dumps({"status": "pending"}).encode())
    place(store.data_dir, "complete", "job-x.json", job_to_json(pending("job-other")))
    await store.create(pending("job-good", offset_seconds=60))
    claim = await store.claim("w", LEASE)
    assert claim is not None and claim.job_id == "job-good"
    assert await store.get(JobId("job-x")) is None
    assert files_in(store.data_dir, "quarantine") == [
        "complete.job-x.json",
        "pending.job-torn.json",
        "pending.job-wrong.json",
    ]
    assert (await store.stats()).quarantined == 3
    assert (await store.stats()).pending == 0


async def test_a_file_still_being_written_is_left_alone_until_it_settles(tmp_path: Path) -> None:
    store = FilesystemJobStore(tmp_path, quarantine_settle=60)
    place(tmp_path, "pending", "job-half.json", b'{"status": "pen', old=False)
    assert await store.claim("w", LEASE) is None
    assert await store.get(JobId("job-half")) is None
    assert files_in(tmp_path, "pending") == ["job-half.json"]
    assert (await store.stats()).quarantined == 0
    await store.close()


async def test_foreign_junk_in_status_folders_is_ignored(store: FilesystemJobStore) -> None:
    await store.open()
    for status in ("pending", "running", "complete"):
        place(store.data_dir, status, "notes.txt", b"remember the milk")
        place(store.data_dir, status, ".DS_Store", b"\x00\x01")
        (jobs_dir(store.data_dir) / status / "stuff").mkdir()
    await store.create(pending("job-a"))
    assert (await store.stats()).total == 1
    assert [job.id for job in await store.list(JobQuery())] == ["job-a"]
    assert await store.recover_expired() == []
    claim = await store.claim("w", LEASE)
    assert claim is not None and claim.job_id == "job-a"
    assert "notes.txt" in files_in(store.data_dir, "pending")


@pytest.mark.parametrize("bad_id", ["../../escape", "a/b", "..", "/etc/passwd"])
async def test_path_traversal_ids_never_reach_the_disk(store: FilesystemJobStore, bad_id: str) -> None:
    with pytest.raises(InvalidJobIdError):
        await store.get(JobId(bad_id))
    with pytest.raises(InvalidJobIdError):
        pending(bad_id)
    assert not (store.data_dir.parent / "escape.json").exists()


async def test_a_job_caught_between_commit_and_move_is_put_in_its_folder(store: FilesystemJobStore) -> None:
    job = pending("job-a")
    place(store.data_dir, "running", "job-a.json", job_to_json(job))
    assert await store.get(JobId("job-a")) == job
    assert files_in(store.data_dir, "pending") == ["job-a.json"]
    assert files_in(store.data_dir, "running") == []
    claim = await store.claim("w", LEASE)
    assert claim is not None and claim.job_id == "job-a"


async def test_a_stale_running_copy_left_by_the_reference_is_superseded(store: FilesystemJobStore) -> None:
    job = pending("job-a", retry_count=1)
    place(store.data_dir, "pending", "job-a.json", job_to_json(job))
    place(store.data_dir, "running", "job-a.json", job_to_json(pending("job-a").start(datetime.now(UTC))))
    assert await store.get(JobId("job-a")) == job
    assert await store.recover_expired() == []
    assert files_in(store.data_dir, "running") == []
    claim = await store.claim("w", LEASE)
    assert claim is not None and claim.job.metadata.retry_count == 1
    assert await store.claim("w", LEASE) is None


async def test_a_stale_claim_loses_to_a_recovery_in_another_store(tmp_path: Path) -> None:
    first, second = FilesystemJobStore(tmp_path), FilesystemJobStore(tmp_path)
    await first.create(pending("job-a"))
    old = await first.claim("w1", timedelta(seconds=0.1))
    assert old is not None
    await asyncio.sleep(0.2)
    assert [job.id for job in await second.recover_expired()] == ["job-a"]
    new = await second.claim("w2", LEASE)
    assert new is not None and new.job_id == "job-a"
    for attempt in (
        first.save_progress(old, old.job),
        first.renew(old, LEASE),
        first.finish(old, old.job.complete(None, datetime.now(UTC))),
    ):
        with pytest.raises(LeaseLostError) as lost:
            await attempt
        assert lost.value.reason == "expired"
    await second.finish(new, new.job.complete(None, datetime.now(UTC)))
    assert [files_in(tmp_path, s) for s in ("pending", "running", "complete")] == [[], [], ["job-a.json"]]
    await first.close()
    await second.close()


async def test_claim_reads_only_the_chosen_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer, worker = FilesystemJobStore(tmp_path, fsync=False), FilesystemJobStore(tmp_path)
    for n in range(200):
        await writer.create(pending(f"job-{n:03d}", offset_seconds=n))
    await worker.open()
    reads = count_reads(monkeypatch)
    for n in range(10):
        claim = await worker.claim("w", LEASE)
        assert claim is not None and claim.job_id == f"job-{n:03d}"
    assert len(reads) <= 10 * 5
    assert set(reads) == {f"job-{n:03d}" for n in range(10)}
    await writer.close()
    await worker.close()


async def test_concurrent_claimers_in_one_process_each_take_their_own_job(
    store: FilesystemJobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        await store.create(pending(f"job-{n}", offset_seconds=n))
    reads = count_reads(monkeypatch)
    claims = await asyncio.gather(*(store.claim(f"w{n}", LEASE) for n in range(4)))
    assert sorted(claim.job_id for claim in claims if claim is not None) == [f"job-{n}" for n in range(4)]
    assert sorted(reads) == [f"job-{n}" for n in range(4)]


async def test_stats_and_get_do_not_read_other_jobs(
    store: FilesystemJobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(20):
        await store.create(pending(f"job-{n}"))
    reads = count_reads(monkeypatch)
    assert (await store.stats()).pending == 20
    assert reads == []
    assert await store.get(JobId("job-7")) == pending("job-7")
    assert set(reads) == {"job-7"}


@pytest.mark.parametrize("watch", [True, False], ids=["inotify", "poll"])
async def test_a_job_created_by_another_store_wakes_a_waiter(tmp_path: Path, watch: bool) -> None:
    waiter_store = FilesystemJobStore(tmp_path, watch=watch, poll_interval=0.05)
    other = FilesystemJobStore(tmp_path)
    await waiter_store.open()
    waiting = asyncio.create_task(waiter_store.wait_for_work(30))
    await asyncio.sleep(0.3)
    await other.create(pending("job-a"))
    await asyncio.wait_for(waiting, 5)
    claim = await waiter_store.claim("w", LEASE)
    assert claim is not None and claim.job_id == "job-a"
    await waiter_store.close()
    await other.close()


async def test_stale_temp_files_are_removed_at_open_and_fresh_ones_kept(tmp_path: Path) -> None:
    stale = place(tmp_path, "pending", ".job-a.json.0001.tmp", b"{")
    fresh = place(tmp_path, "pending", ".job-b.json.0002.tmp", b"{", old=False)
    store = FilesystemJobStore(tmp_path)
    await store.open()
    assert not stale.exists() and fresh.exists()
    assert (await store.stats()).total == 0
    await store.close()


async def test_stale_temp_files_of_the_listing_index_and_unique_markers_are_removed_at_open(
    tmp_path: Path,
) -> None:
    for folder, name in ((".index", ".complete.tsv.0001.tmp"), (".unique", ".abc.json.0002.tmp")):
        path = jobs_dir(tmp_path) / folder / name
        path.parent.mkdir(parents=True)
        path.write_bytes(b"partial")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    kept = jobs_dir(tmp_path) / ".index" / "complete.tsv"
    kept.write_bytes(b"")
    os.utime(kept, (time.time() - 3600, time.time() - 3600))
    store = FilesystemJobStore(tmp_path)
    await store.open()
    assert os.listdir(jobs_dir(tmp_path) / ".unique") == []
    assert os.listdir(jobs_dir(tmp_path) / ".index") == ["complete.tsv"]
    await store.close()


async def test_cleanup_deletes_the_markers_of_free_unique_keys_written_before_its_cutoff(
    tmp_path: Path,
) -> None:
    store = FilesystemJobStore(tmp_path)
    assert await store.create(pending("job-held", unique_key="k-held")) == "job-held"
    assert await store.create(pending("job-done", unique_key="k-done", offset_seconds=1)) == "job-done"
    claim = await store.claim_many("w", LEASE, 2)
    await store.finish(claim[1], claim[1].job.complete(None, datetime.now(UTC)))
    markers = jobs_dir(tmp_path) / ".unique"
    assert len(list(markers.iterdir())) == 2
    await store.delete_finished_before(datetime.now(UTC) - timedelta(hours=1))
    assert len(list(markers.iterdir())) == 2  # written after the cutoff: kept
    assert await store.delete_finished_before(datetime.now(UTC) + timedelta(hours=1)) == 1
    assert len(list(markers.iterdir())) == 1  # the running job's key is still held
    assert await store.create(pending("job-held-2", unique_key="k-held")) == "job-held"
    assert await store.create(pending("job-done-2", unique_key="k-done")) == "job-done-2"
    await store.close()


async def test_a_copy_of_a_data_directory_is_a_working_store(tmp_path: Path) -> None:
    source = FilesystemJobStore(tmp_path / "a")
    await source.create(pending("job-a"))
    claim = await source.claim("w", LEASE)
    assert claim is not None
    await source.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    copy = FilesystemJobStore(tmp_path / "b")
    stored = await copy.get(JobId("job-a"))
    assert isinstance(stored, RunningJob)
    await copy.finish(claim, claim.job.complete(None, datetime.now(UTC)))
    assert (await copy.stats()).complete == 1
    await copy.close()
