"""The filesystem store shared by real worker processes: exclusivity, crashes, wake-up, permissions."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from semiont_jobs import CompleteJob, FilesystemJobStore, JobId, StoreUnavailableError
from semiont_jobs.testing.jobs import pending

REPO = Path(__file__).resolve().parents[2]
WORKER = "tests.support.fs_worker_process"


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", WORKER, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lines(log: Path, kind: str) -> list[str]:
    if not log.exists():
        return []
    return [line.split()[1] for line in log.read_text().splitlines() if line.startswith(kind + " ")]


def leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "jobs").rglob(".*.tmp"))


async def fill(data_dir: Path, ids: list[str]) -> None:
    store = FilesystemJobStore(data_dir, fsync=False)
    await store.open()
    for n, job_id in enumerate(ids):
        await store.create(pending(job_id, offset_seconds=n / 1000))
    await store.close()


@pytest.mark.slow
async def test_four_processes_run_each_of_2000_jobs_exactly_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ids = [f"job-{n:04d}" for n in range(2000)]
    await fill(data_dir, ids)
    logs = [tmp_path / f"worker-{n}.log" for n in range(4)]
    workers = [spawn(str(data_dir), str(log)) for log in logs]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    done = [job_id for log in logs for job_id in lines(log, "done")]
    counts = Counter(done)
    assert [job_id for job_id, n in counts.items() if n > 1] == []
    assert sorted(counts) == ids
    assert sum(1 for log in logs if lines(log, "done")) >= 2, "the work was not shared"
    assert list((data_dir / "jobs" / "running").iterdir()) == []
    assert len(list((data_dir / "jobs" / "complete").glob("*.json"))) == 2000
    assert leftovers(data_dir) == []
    store = FilesystemJobStore(data_dir)
    stats = await store.stats()
    assert (stats.complete, stats.pending, stats.running, stats.quarantined) == (2000, 0, 0, 0)
    await store.close()


async def wait_until(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_a_job_of_a_killed_worker_is_recovered_and_completed_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ids = [f"job-{n}" for n in range(10)]
    await fill(data_dir, ids)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = spawn(str(data_dir), str(first_log), "--hang", "job-5", "--lease", "1", "--concurrency", "1")
    await wait_until(lambda: "job-5" in lines(first_log, "start"), 30)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert first.returncode == -signal.SIGKILL
    assert (data_dir / "jobs" / "running" / "job-5.json").exists()

    await asyncio.sleep(1.2)
    second = spawn(str(data_dir), str(second_log))
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err

    first_done, second_done = lines(first_log, "done"), lines(second_log, "done")
    assert first_done == ids[:5]
    assert sorted(second_done) == ids[5:]
    store = FilesystemJobStore(data_dir)
    recovered = await store.get(JobId("job-5"))
    assert isinstance(recovered, CompleteJob)
    assert recovered.metadata.retry_count == 1
    for job_id in ids:
        job = await store.get(JobId(job_id))
        assert isinstance(job, CompleteJob)
        assert job.metadata.retry_count == (1 if job_id == "job-5" else 0)
    stats = await store.stats()
    assert (stats.complete, stats.pending, stats.running) == (10, 0, 0)
    await store.close()


@pytest.mark.slow
async def test_a_waiting_process_is_woken_by_a_job_created_elsewhere(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    await fill(data_dir, [])
    log = tmp_path / "waiter.log"
    waiter = spawn(str(data_dir), str(log), "--wait", "30")
    assert waiter.stdout is not None
    assert waiter.stdout.readline().strip() == "ready"
    await asyncio.sleep(0.5)
    store = FilesystemJobStore(data_dir)
    created = time.time()
    await store.create(pending("job-wake"))
    _out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0, err
    [line] = log.read_text().splitlines()
    _, job_id, claimed_at = line.split()
    assert job_id == "job-wake"
    assert float(claimed_at) - created < 2, "picked up by a poll, not by notification"
    assert (await store.get(JobId("job-wake"))).status == "running"  # type: ignore[union-attr]
    await store.close()


READ_ONLY_CHECK = """
import asyncio, os, sys
from semiont_jobs import FilesystemJobStore, StoreUnavailableError
async def main():
    await asyncio.to_thread(os.getpid)  # load the executor before losing access to /root
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    try:
        await FilesystemJobStore(sys.argv[1]).open()
    except StoreUnavailableError as exc:
        print(exc)
        sys.exit(3)
asyncio.run(main())
"""
"""Opens a store as the unprivileged user ``nobody`` (root ignores directory permissions)."""


def test_a_read_only_data_directory_fails_at_open_naming_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    asyncio.run(fill(data_dir, ["job-a"]))
    tmp_path.chmod(0o755)
    for folder in [data_dir, *data_dir.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o555)
    try:
        result = subprocess.run(
            [sys.executable, "-c", READ_ONLY_CHECK, str(data_dir)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        for folder in [data_dir, *data_dir.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
    assert result.returncode == 3, result.stderr
    assert str(data_dir) in result.stdout
    assert "Permission denied" in result.stdout
    assert (data_dir / "jobs" / "pending" / "job-a.json").exists()


async def test_a_data_directory_that_cannot_be_created_fails_at_open(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    store = FilesystemJobStore(tmp_path / "a-file" / "data")
    with pytest.raises(StoreUnavailableError) as failure:
        await store.open()
    assert failure.value.where == str(tmp_path / "a-file" / "data")
    assert "Not a directory" in str(failure.value)
