"""A worker on a live filesystem store, while every kind of bad file lands in every folder of its data dir."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore, JobId, JobQueue, WorkerSettings
from semiont_jobs.domain import JobQuery
from semiont_jobs.testing.jobs import pending
from tests.support.hostile_files import ENTRIES, folder, names_in
from tests.support.workers import RecordingWorker

STATUSES = ("pending", "running", "complete", "failed", "cancelled")
ROUNDS = 3
GOOD_PER_ROUND = 15


def drop_bad_files(data_dir: Path, round_: int) -> list[str]:
    """Every kind of bad entry in every status folder, and junk everywhere else; the names to quarantine."""
    expected = []
    for status in STATUSES:
        for kind, make in ENTRIES.items():
            make(folder(data_dir, status) / f"bad-{round_}-{kind}.json")
            expected.append(f"{status}.bad-{round_}-{kind}.json")
        (folder(data_dir, status) / f"notes-{round_}").mkdir()
        os.symlink("/etc", folder(data_dir, status) / f"etc-{round_}")
        (folder(data_dir, status) / f".job-x.json.{round_:08x}.tmp").mkdir()
    for elsewhere in (
        data_dir,
        data_dir / "jobs",
        folder(data_dir, "quarantine"),
        folder(data_dir, ".locks"),
    ):
        (elsewhere / f"junk-{round_}.json").write_bytes(b"\x00garbage")
        os.mkfifo(elsewhere / f"fifo-{round_}")
    return expected


def flicker(data_dir: Path, stop: threading.Event) -> None:
    """Job-named files that appear and vanish again at once, as under a scan."""
    n = 0
    while not stop.is_set():
        n += 1
        for status in ("pending", "running"):
            path = folder(data_dir, status) / f"flicker-{n}.json"
            path.write_bytes(b'{"status": "pending"')
            path.unlink()


@pytest.mark.slow
async def test_every_good_job_completes_while_bad_files_land_in_every_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="semiont_jobs")
    data_dir = tmp_path / "data"
    store = FilesystemJobStore(data_dir, fsync=False, quarantine_settle=1.0, rescan_interval=1.0)
    settings = WorkerSettings(concurrency=2, poll_interval=0.1, recovery_interval=0.3, error_backoff=0.1)
    worker = RecordingWorker(JobQueue(store), settings=settings)
    running = asyncio.create_task(worker.start())
    producer = FilesystemJobStore(data_dir, fsync=False, quarantine_settle=1.0)
    stop_flicker = threading.Event()
    flickering = asyncio.create_task(asyncio.to_thread(flicker, data_dir, stop_flicker))
    good: list[str] = []
    expected: list[str] = []
    try:
        for round_ in range(ROUNDS):
            expected += await asyncio.to_thread(drop_bad_files, data_dir, round_)
            for n in range(GOOD_PER_ROUND):
                good.append(f"good-{round_}-{n}")
                await producer.create(pending(good[-1], offset_seconds=len(good)))
            await asyncio.sleep(0.5)
        deadline = time.monotonic() + 60
        while len(worker.completed) < len(good) and time.monotonic() < deadline and not running.done():
            await asyncio.sleep(0.1)
    finally:
        stop_flicker.set()
        await flickering
        await worker.stop(5)
        await running
    assert sorted(job.id for job in worker.completed) == sorted(good)
    for job_id in good:
        job = await producer.get(JobId(job_id))
        assert job is not None and job.status == "complete"
    await asyncio.sleep(1.1)  # entries whose content is bad are set aside once settled
    await producer.list(JobQuery(limit=10_000))  # reads, and so sets aside, what lies in the finished folders
    assert [name for name in names_in(folder(data_dir, "quarantine")) if name.startswith(STATUSES)] == sorted(
        expected
    )
    for status in STATUSES:
        assert not [name for name in names_in(folder(data_dir, status)) if name.startswith("bad-")]
    errors = [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR and not r.getMessage().startswith("quarantined")
    ]
    assert errors == []
    await producer.close()
    await store.close()
