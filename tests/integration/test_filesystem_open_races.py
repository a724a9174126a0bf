"""Opening a filesystem store while other processes write to it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore, JobId
from semiont_jobs.domain.vocabulary import JobStatus

REPO = Path(__file__).resolve().parents[2]

CHURN = """
import asyncio, sys
from datetime import UTC, datetime, timedelta
from semiont_jobs import FilesystemJobStore
from semiont_jobs.testing.jobs import pending

async def main():
    store = FilesystemJobStore(sys.argv[1], fsync=False)
    await store.open()
    print("ready", flush=True)
    jobs = []
    while True:
        jobs.append(pending(f"job-{len(jobs)}"))
        await store.create(jobs[-1])
        if len(jobs) > 20:
            await store.update(jobs[-21].cancel(datetime.now(UTC)), expected_status="pending")
        if len(jobs) % 100 == 0:
            await store.delete_finished_before(datetime.now(UTC) + timedelta(days=1))
asyncio.run(main())
"""

WRITER = """
import asyncio, sys
from semiont_jobs import FilesystemJobStore
from semiont_jobs.testing.jobs import pending

async def main():
    store = FilesystemJobStore(sys.argv[1], fsync=False)
    await store.open()
    print("ready", flush=True)
    for line in sys.stdin:
        await store.create(pending(line.strip()))
        print("written", flush=True)
asyncio.run(main())
"""


def child(script: str, data_dir: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(data_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


@pytest.mark.slow
async def test_stores_open_every_time_while_another_process_enqueues_and_cancels(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    churn = child(CHURN, data_dir)
    failures: list[BaseException] = []
    try:
        for _ in range(150):
            store = FilesystemJobStore(data_dir, fsync=False)
            try:
                await store.open()
                await store.stats()
            except Exception as exc:
                failures.append(exc)
            finally:
                await store.close()
        assert churn.poll() is None, churn.stderr.read() if churn.stderr else ""
    finally:
        churn.kill()
        churn.communicate()
    assert failures == []


async def test_a_job_another_process_writes_while_open_scans_is_claimed_at_once(tmp_path: Path) -> None:
    """The window the issue named: after open() has listed pending/ and before it returns."""
    data_dir = tmp_path / "data"
    writer = child(WRITER, data_dir)
    assert writer.stdin is not None and writer.stdout is not None
    store = FilesystemJobStore(data_dir, rescan_interval=60)
    files = store._files
    real_names = files.names

    def names_then_another_process_writes(status: JobStatus) -> Iterator[tuple[JobId, int]]:
        listed = list(real_names(status))
        if status == "pending":
            files.names = real_names  # type: ignore[method-assign]
            writer.stdin.write("job-late\n")  # type: ignore[union-attr]
            writer.stdin.flush()  # type: ignore[union-attr]
            assert writer.stdout.readline().strip() == "written"  # type: ignore[union-attr]
        return iter(listed)

    files.names = names_then_another_process_writes  # type: ignore[method-assign]
    try:
        await store.open()
        assert files.names == real_names, "open() did not scan pending/"
        began = time.monotonic()
        claim = await store.claim("w", timedelta(seconds=30))
        while claim is None and time.monotonic() - began < 5:
            await store.wait_for_work(5 - (time.monotonic() - began))
            claim = await store.claim("w", timedelta(seconds=30))
        assert claim is not None and claim.job_id == "job-late"
        assert time.monotonic() - began < 2, "found by a rescan, not by the watcher"
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
        await store.close()
