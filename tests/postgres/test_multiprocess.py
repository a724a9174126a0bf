"""Worker processes sharing one PostgreSQL store: each job runs once through crashes and lost connections."""

from __future__ import annotations

import asyncio
import collections
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from semiont_jobs import JobId, PendingJob
from semiont_jobs.adapters.postgres import PostgresJobStore
from semiont_jobs.testing.jobs import pending

ROOT = Path(__file__).resolve().parents[2]
APP = "semiont-jobs-mp-worker"
LEASE_SECONDS = 2.0

pytestmark = pytest.mark.slow


def start_workers(
    dsn: str, schema: str, log_dir: Path, count: int, *extra: str
) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, "-m", "tests.postgres.worker_process", dsn, schema, str(log_dir)]
    command += ["--lease", str(LEASE_SECONDS), "--application-name", APP, *extra]
    return [subprocess.Popen(command, cwd=ROOT) for _ in range(count)]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> list[int | None]:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    return [worker.wait(timeout=30) for worker in workers]


def read_logs(log_dir: Path) -> dict[int, list[tuple[str, str, float]]]:
    logs: dict[int, list[tuple[str, str, float]]] = {}
    for path in log_dir.glob("*.log"):
        entries = [line.split() for line in path.read_text().splitlines()]
        logs[int(path.stem)] = [(what, job_id, float(at)) for what, job_id, at in entries]
    return logs


def executions(
    logs: dict[int, list[tuple[str, str, float]]], killed: dict[int, float] | None = None
) -> dict[str, list[tuple[float, float]]]:
    """Each job's executions as (start, end) intervals.

    An execution that never ended ends when its process was killed (``killed``: pid to time), else never.
    """
    found: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    for pid, entries in logs.items():
        open_runs: dict[str, float] = {}
        for what, job_id, at in entries:
            if what == "start":
                open_runs[job_id] = at
            elif what == "end":
                found[job_id].append((open_runs.pop(job_id), at))
        for job_id, started in open_runs.items():
            found[job_id].append((started, (killed or {}).get(pid, float("inf"))))
    return found


def completions(logs: dict[int, list[tuple[str, str, float]]]) -> collections.Counter[str]:
    return collections.Counter(
        job_id for entries in logs.values() for what, job_id, _ in entries if what == "completed"
    )


def assert_never_concurrent(runs: dict[str, list[tuple[float, float]]]) -> None:
    for job_id, intervals in runs.items():
        ordered = sorted(intervals)
        for (_, first_end), (second_start, _) in itertools.pairwise(ordered):
            assert second_start >= first_end, f"{job_id} ran twice at once: {ordered}"


async def enqueue(dsn: str, schema: str, jobs: list[PendingJob[Any]]) -> PostgresJobStore:
    store = PostgresJobStore(dsn, schema=schema, application_name="semiont-jobs-mp-test")
    await store.open()
    for start in range(0, len(jobs), 500):
        await store.create_many(jobs[start : start + 500])
    return store


async def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_a_killed_worker_loses_no_job_and_no_job_runs_twice(
    pg_dsn: str, migrated_schema: str, tmp_path: Path
) -> None:
    jobs = [pending("job-slow")] + [pending(f"job-{i:05d}", offset_seconds=1 + i / 1000) for i in range(4999)]
    store = await enqueue(pg_dsn, migrated_schema, jobs)
    workers = start_workers(pg_dsn, migrated_schema, tmp_path, 4, "--slow-job", "job-slow")
    try:

        async def slow_job_started() -> bool:
            return any(
                job_id == "job-slow" for entries in read_logs(tmp_path).values() for _, job_id, _ in entries
            )

        await wait_until(slow_job_started, 60, "the slow job to start")
        [victim] = [
            pid for pid, entries in read_logs(tmp_path).items() if any(e[1] == "job-slow" for e in entries)
        ]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()

        async def all_complete() -> bool:
            return (await store.stats()).complete == 5000

        await wait_until(all_complete, 90, "every job to complete")
    finally:
        codes = stop_workers(workers)
    slow = await store.get(JobId("job-slow"))
    survivors = [code for worker, code in zip(workers, codes, strict=True) if worker.pid != victim]
    assert survivors == [0, 0, 0]
    assert (await store.stats()).complete == 5000
    logs = read_logs(tmp_path)
    victim_started = {job_id for what, job_id, _ in logs[victim] if what == "start"}
    in_flight = victim_started - {job_id for what, job_id, _ in logs[victim] if what == "completed"}
    done = completions(logs)
    assert max(done.values()) == 1
    assert {job.id for job in jobs} - set(done) <= in_flight
    runs = executions(logs, {victim: killed_at})
    rerun = {job_id for job_id, intervals in runs.items() if len(intervals) > 1}
    assert "job-slow" in rerun and rerun <= in_flight
    assert all(len(intervals) <= 2 for intervals in runs.values())
    assert_never_concurrent(runs)
    (first_start, _), (second_start, _) = sorted(runs["job-slow"])
    assert second_start - first_start >= LEASE_SECONDS * 0.9
    assert second_start > killed_at
    assert slow is not None and slow.status == "complete" and slow.metadata.retry_count == 1
    await store.close()


async def test_workers_reconnect_when_their_connections_are_terminated(
    pg_dsn: str, migrated_schema: str, tmp_path: Path
) -> None:
    total = 3000
    store = await enqueue(
        pg_dsn, migrated_schema, [pending(f"job-{i:05d}", offset_seconds=i / 1000) for i in range(total)]
    )
    workers = start_workers(pg_dsn, migrated_schema, tmp_path, 4)
    terminated = 0
    try:
        async with await psycopg.AsyncConnection.connect(pg_dsn, autocommit=True) as admin:
            for fraction in (0.2, 0.45, 0.7):

                async def progressed(fraction: float = fraction) -> bool:
                    return (await store.stats()).complete >= total * fraction

                await wait_until(progressed, 60, f"{fraction:.0%} of the jobs to complete")
                cursor = await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                    (APP,),
                )
                terminated += len(await cursor.fetchall())

        async def all_complete() -> bool:
            return (await store.stats()).complete == total

        await wait_until(all_complete, 90, "every job to complete")
    finally:
        codes = stop_workers(workers)
    await store.close()
    assert codes == [0, 0, 0, 0]
    assert terminated >= 12
    logs = read_logs(tmp_path)
    assert set(completions(logs).values()) == {1} and len(completions(logs)) == total
    runs = executions(logs)
    assert_never_concurrent(runs)
    assert {job_id: len(intervals) for job_id, intervals in runs.items() if len(intervals) != 1} == {}
