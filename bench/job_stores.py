"""The filesystem job store, fsync on, against bare loops of its own file operations done one job at a time.

Run: ``.venv/bin/python bench/job_stores.py [--runs 3] [--jobs 1000] [--big 50000]``. Prints medians over
runs, and each rate's ratio to its baseline measured in the same run (median of per-run ratios).

* drain: ``--jobs`` no-op jobs enqueued beforehand (fsync off, then one ``sync``: the fill is not
  measured), then claimed and completed by K concurrent slots, each a task calling the store directly
  (``claim``, then ``finish``);
  concurrent slots' transitions meet in the store's group commit. Baselines, one job at a time, fsync on:
  ``bare drain`` replaces files by new ones (per transition: write a new temporary file, fdatasync it,
  rename it over the job file, rename that into its new folder, fsync both folders: issue 16's per-job
  floor); ``bare drain, recycled`` does what the store does since it recycles files (per transition: take
  a write lease on the spare, write it in place, fdatasync it, exchange it with the job file, rename that
  into its new folder, fsync both folders; the replaced version is the next spare).
* enqueue: ``create`` from 1 task, or from 16 concurrent tasks. Baseline: ``bare write``, a durable write
  one job at a time (temporary file, fdatasync, rename into ``pending/``, fsync the folder).
* N=``--big`` drain at K=4 against N=``--jobs`` at K=4; and K=4 against the reference's 582 jobs/s (0.2.46
  on this machine, drain only at N=1,000, K=4, no fsync: issue 16's table).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from semiont_jobs import FilesystemJobStore, HighlightDetectionParams, JobId, PendingJob, ResourceId, UserId
from semiont_jobs.codec import job_to_json
from semiont_jobs.domain import JobMetadata

LEASE = timedelta(seconds=600)
REFERENCE_DRAIN_K4 = 582.0
SLOTS = (1, 4, 16)


def job(n: int, tag: str = "") -> PendingJob[Any]:
    metadata = JobMetadata(
        id=JobId(f"job-{tag}{n:07d}"),
        type="highlight-annotation",
        user_id=UserId("bench"),
        user_name="Bench",
        user_email="bench@example.org",
        user_domain="example.org",
        created=datetime.now(UTC),
    )
    return PendingJob(metadata=metadata, params=HighlightDetectionParams(resource_id=ResourceId("res-1")))


# -- bare loops -------------------------------------------------------------------------------


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(fd)
    os.close(fd)


def _write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, data)
    os.fdatasync(fd)
    os.close(fd)
    os.rename(temp, path)


def bare_write(root: Path, n: int) -> float:
    """Durable writes per second, one at a time: temp file, fdatasync, rename, fsync the folder."""
    folder = root / "pending"
    folder.mkdir(parents=True)
    data = job_to_json(job(0))
    started = time.perf_counter()
    for i in range(n):
        _write(folder / f"job-{i:07d}.json", data)
        _sync_dir(folder)
    return n / (time.perf_counter() - started)


def _bare_jobs(root: Path, n: int) -> tuple[dict[str, Path], bytes]:
    """``n`` pending job files under ``root``, on disk; the folders, and a running job's bytes."""
    folders = {status: root / status for status in ("pending", "running", "complete")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    data = job_to_json(job(0).start(datetime.now(UTC)))
    for i in range(n):
        (folders["pending"] / f"job-{i:07d}.json").write_bytes(data)
    (root / "spare").write_bytes(data)
    os.sync()
    return folders, data


def bare_drain(root: Path, n: int) -> float:
    """Jobs per second through a claim's and a completion's file operations by new files, one at a time."""
    folders, data = _bare_jobs(root, n)
    started = time.perf_counter()
    for i in range(n):
        name = f"job-{i:07d}.json"
        for source, target in (("pending", "running"), ("running", "complete")):
            _write(folders[source] / name, data)
            os.rename(folders[source] / name, folders[target] / name)
            _sync_dir(folders[source])
            _sync_dir(folders[target])
    return n / (time.perf_counter() - started)


def bare_drain_recycled(root: Path, n: int) -> float:
    """Jobs per second through the store's file operations with recycled files, one at a time."""
    from semiont_jobs.adapters.filesystem.jobs.spare_files import exchange

    folders, data = _bare_jobs(root, n)
    spare = os.fspath(root / "spare")
    started = time.perf_counter()
    for i in range(n):
        name = f"job-{i:07d}.json"
        for source, target in (("pending", "running"), ("running", "complete")):
            fd = os.open(spare, os.O_WRONLY)
            fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
            os.pwrite(fd, data, 0)
            os.fdatasync(fd)
            os.close(fd)
            exchange(spare, os.fspath(folders[source] / name))
            os.rename(folders[source] / name, folders[target] / name)
            _sync_dir(folders[source])
            _sync_dir(folders[target])
    return n / (time.perf_counter() - started)


# -- the store --------------------------------------------------------------------------------


async def timed(n: int, work: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await work()
    return n / (time.perf_counter() - started)


async def fill(data_dir: Path, n: int) -> None:
    store = FilesystemJobStore(data_dir, fsync=False, watch=False)
    await asyncio.gather(*(fill_part(store, n, part) for part in range(16)))
    await store.close()
    os.sync()  # the fill's writes are not the drain's to flush


async def fill_part(store: FilesystemJobStore, n: int, part: int) -> None:
    for i in range(part, n, 16):
        await store.create(job(i))


async def drain(data_dir: Path, n: int, slots: int) -> float:
    await fill(data_dir, n)
    store = FilesystemJobStore(data_dir, fsync=True)
    await store.open()
    done = 0

    async def slot(name: str) -> None:
        nonlocal done
        while (claim := await store.claim(name, LEASE)) is not None:
            await store.finish(claim, claim.job.complete(None, datetime.now(UTC)))
            done += 1

    rate = await timed(n, lambda: asyncio.gather(*(slot(f"slot-{k}") for k in range(slots))))
    assert done == n, (done, n)
    assert (await store.stats()).complete == n
    await store.close()
    return rate


async def enqueue(data_dir: Path, n: int, tasks: int) -> float:
    store = FilesystemJobStore(data_dir, fsync=True)
    await store.open()

    async def task(part: int) -> None:
        for i in range(part, n, tasks):
            await store.create(job(i))

    rate = await timed(n, lambda: asyncio.gather(*(task(part) for part in range(tasks))))
    assert (await store.stats()).pending == n
    await store.close()
    return rate


async def one_run(root: Path, n: int, big: int) -> dict[str, float]:
    result: dict[str, float] = {}
    result["bare drain"] = bare_drain(root / "bare-drain-1", n)
    result["bare drain, recycled"] = bare_drain_recycled(root / "bare-recycled-1", n)
    result["bare write"] = bare_write(root / "bare-write-1", n)
    for slots in SLOTS:
        result[f"drain N={n:,} K={slots}"] = await drain(root / f"drain-{slots}", n, slots)
    result["enqueue, 1 task"] = await enqueue(root / "enqueue-1", n, 1)
    result["enqueue, 16 tasks"] = await enqueue(root / "enqueue-16", n, 16)
    if big:
        result[f"drain N={big:,} K=4"] = await drain(root / "drain-big", big, 4)
    result["bare drain"] = (result["bare drain"] + bare_drain(root / "bare-drain-2", n)) / 2
    recycled = bare_drain_recycled(root / "bare-recycled-2", n)
    result["bare drain, recycled"] = (result["bare drain, recycled"] + recycled) / 2
    result["bare write"] = (result["bare write"] + bare_write(root / "bare-write-2", n)) / 2
    return result


def targets(n: int, big: int) -> list[tuple[str, str, float]]:
    """(metric, what it is compared with, the ratio it must reach)."""
    rows = [
        (f"drain N={n:,} K=1", "bare drain", 0.8),
        (f"drain N={n:,} K=4", "bare drain", 2.0),
        (f"drain N={n:,} K=16", "bare drain", 2.0),
        (f"drain N={n:,} K=1", "bare drain, recycled", 0.8),
        (f"drain N={n:,} K=4", "bare drain, recycled", 2.0),
        (f"drain N={n:,} K=16", "bare drain, recycled", 2.0),
        (f"drain N={n:,} K=4", "reference", 3.0),
        ("enqueue, 1 task", "bare write", 0.8),
        ("enqueue, 16 tasks", "bare write", 2.0),
    ]
    if big:
        rows.append((f"drain N={big:,} K=4", f"drain N={n:,} K=4", 0.8))
    return rows


def ratio(run: dict[str, float], metric: str, baseline: str) -> float:
    return run[metric] / (REFERENCE_DRAIN_K4 if baseline == "reference" else run[baseline])


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--big", type=int, default=50_000, help="jobs of the large drain (0: skip it)")
    args = parser.parse_args()
    runs: list[dict[str, float]] = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as scratch:
            runs.append(await one_run(Path(scratch), args.jobs, args.big))
        print(f"run {number + 1}: " + ", ".join(f"{k} {v:,.0f}/s" for k, v in runs[-1].items()), flush=True)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nmedians of {args.runs} runs, fsync on, load average now {load}; jobs/s\n")
    print(f"| {'measurement':<22} | {'median':>9} |")
    print(f"|{'-' * 24}|{'-' * 11}:|")
    for metric in runs[0]:
        print(f"| {metric:<22} | {statistics.median(r[metric] for r in runs):>9,.0f} |")
    print(f"\n| {'target':<58} | {'ratio':>6} | {'needed':>6} | met |")
    print(f"|{'-' * 60}|{'-' * 7}:|{'-' * 7}:|-----|")
    for metric, baseline, needed in targets(args.jobs, args.big):
        value = statistics.median(ratio(r, metric, baseline) for r in runs)
        label = f"{metric} / {baseline}"
        print(f"| {label:<58} | {value:>5.2f}x | {needed:>5.1f}x | {'yes' if value >= needed else 'NO':<3} |")


if __name__ == "__main__":
    asyncio.run(main())
