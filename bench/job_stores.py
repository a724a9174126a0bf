"""Job store throughput and pickup latency, against a bare loop of the same file operations.

Run: ``.venv/bin/python bench/job_stores.py [--runs 3] [--jobs 1000]``. Prints medians over runs.
The bare loop writes a job-sized temporary file, fsyncs it and renames it into place: one
physical job write. A lifecycle (enqueue, claim, complete) needs three such writes, plus
a folder fsync at enqueue and two moves between status folders; ``lifecycle floor`` times
exactly those file operations in a bare loop: the most any store can reach, fsync on.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from semiont_jobs import (
    FilesystemJobStore,
    HighlightDetectionParams,
    InMemoryJobStore,
    JobId,
    JobStore,
    PendingJob,
    ResourceId,
    UserId,
    job_to_json,
)
from semiont_jobs.domain import JobMetadata

LEASE = timedelta(seconds=60)
StoreFactory = Callable[[Path], JobStore]


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


def bare_loop(folder: Path, n: int) -> float:
    """Writes per second of: write temp file, fsync, rename into place."""
    data = job_to_json(job(0).start(datetime.now(UTC)))
    started = time.perf_counter()
    for i in range(n):
        temp = folder / f".{i}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.rename(temp, folder / f"{i}.json")
    return n / (time.perf_counter() - started)


def write_file(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, data)
    os.fsync(fd)
    os.close(fd)
    os.rename(temp, path)


def lifecycle_floor(root: Path, n: int) -> float:
    """Lifecycles per second of a store's file operations alone: 3 writes, 1 folder fsync, 2 moves."""
    pending, running, complete = (root / status for status in ("pending", "running", "complete"))
    for folder in (pending, running, complete):
        folder.mkdir(parents=True)
    data = job_to_json(job(0).start(datetime.now(UTC)))
    started = time.perf_counter()
    for i in range(n):
        name = f"job-{i:07d}.json"
        write_file(pending / name, data)
        fd = os.open(pending, os.O_RDONLY | os.O_DIRECTORY)
        os.fsync(fd)
        os.close(fd)
        write_file(pending / name, data)
        os.rename(pending / name, running / name)
        write_file(running / name, data)
        os.rename(running / name, complete / name)
    return n / (time.perf_counter() - started)


async def timed(n: int, work: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await work()
    return n / (time.perf_counter() - started)


async def enqueue_rate(store: JobStore, n: int) -> float:
    async def work() -> None:
        for i in range(n):
            await store.create(job(i, "e"))

    return await timed(n, work)


async def lifecycle_rate(store: JobStore, n: int, workers: int) -> float:
    async def worker(w: int) -> None:
        for i in range(n // workers):
            await store.create(job(i, f"l{workers}w{w}-"))
            claim = await store.claim(f"w{w}", LEASE)
            assert claim is not None
            await store.finish(claim, claim.job.complete(None, datetime.now(UTC)))

    async def work() -> None:
        await asyncio.gather(*(worker(w) for w in range(workers)))

    return await timed(n // workers * workers, work)


async def pickup_in_process(store: JobStore, samples: int) -> list[float]:
    latencies: list[float] = []
    created: dict[str, float] = {}

    async def claimer() -> None:
        while len(latencies) < samples:
            claim = await store.claim("picker", LEASE)
            if claim is None:
                await store.wait_for_work(1.0)
                continue
            latencies.append(time.perf_counter() - created[claim.job_id])

    task = asyncio.create_task(claimer())
    for i in range(samples):
        await asyncio.sleep(0.02)
        new = job(i, "p")
        created[new.id] = time.perf_counter()
        await store.create(new)
    await asyncio.wait_for(task, 30)
    return latencies


CLAIMER = """
import asyncio, sys, time
from datetime import timedelta
from semiont_jobs import FilesystemJobStore
async def main(n):
    store = FilesystemJobStore(sys.argv[1])
    await store.open()
    print("ready", flush=True)
    got = 0
    while got < n:
        claim = await store.claim("picker", timedelta(seconds=60))
        if claim is None:
            await store.wait_for_work(5.0)
            continue
        print(claim.job_id, time.time(), flush=True)
        got += 1
    await store.close()
asyncio.run(main(int(sys.argv[2])))
"""


async def pickup_cross_process(data_dir: Path, samples: int) -> list[float]:
    store = FilesystemJobStore(data_dir)
    await store.open()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CLAIMER, str(data_dir), str(samples), stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    assert (await child.stdout.readline()).decode().strip() == "ready"
    await asyncio.sleep(0.3)
    created: dict[str, float] = {}
    for i in range(samples):
        await asyncio.sleep(0.03)
        new = job(i, "x")
        created[new.id] = time.time()
        await store.create(new)
    out, _ = await asyncio.wait_for(child.communicate(), 60)
    await store.close()
    return [
        float(at) - created[job_id] for job_id, at in (line.split() for line in out.decode().splitlines())
    ]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def one_run(root: Path, name: str, factory: StoreFactory, n: int, samples: int) -> dict[str, float]:
    result: dict[str, float] = {}
    for key, workers in (("enqueue", 0), ("lifecycle x1", 1), ("lifecycle x4", 4)):
        store = factory(root / f"{name}-{workers}")
        await store.open()
        result[key] = await (lifecycle_rate(store, n, workers) if workers else enqueue_rate(store, n))
        await store.close()
    store = factory(root / f"{name}-pickup")
    await store.open()
    latencies = await pickup_in_process(store, samples)
    await store.close()
    result["pickup p50 ms"], result["pickup p95 ms"] = pct(latencies, 0.5), pct(latencies, 0.95)
    if name == "filesystem":
        cross = await pickup_cross_process(root / "cross", samples)
        result["xproc p50 ms"], result["xproc p95 ms"] = pct(cross, 0.5), pct(cross, 0.95)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=60)
    args = parser.parse_args()
    stores: dict[str, StoreFactory] = {
        "memory": lambda _path: InMemoryJobStore(),
        "filesystem": lambda path: FilesystemJobStore(path, fsync=True),
    }
    bare: list[float] = []
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in stores}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(dir=Path.cwd()) as scratch:
            root = Path(scratch)
            (root / "bare").mkdir()
            for name, factory in stores.items():
                n = args.jobs * 20 if name == "memory" else args.jobs
                before = bare_loop(root / "bare", args.jobs)
                result = await one_run(root, name, factory, n, args.samples)
                run_bare = (before + bare_loop(root / "bare", args.jobs)) / 2
                bare.append(run_bare)
                if name == "filesystem":
                    result["lifecycle floor"] = lifecycle_floor(root / "floor", args.jobs)
                for metric in list(result):
                    if "ms" not in metric:
                        result[f"{metric} ratio"] = result[metric] / run_bare
                runs[name].append(result)
    print(f"bare loop (write temp, fsync, rename): {statistics.median(bare):,.0f} writes/s")
    print(f"medians of {args.runs} runs; 'vs bare' is the median of per-run ratios to the bare loop")
    print(f"timed around each store's run\n\n{'store':<11} {'metric':<14} {'median':>11} {'vs bare':>8}")
    for name, results in runs.items():
        for metric in results[0]:
            if metric.endswith("ratio"):
                continue
            value = statistics.median(r[metric] for r in results)
            if "ms" in metric:
                print(f"{name:<11} {metric:<14} {value:>9,.1f}ms")
            else:
                ratio = statistics.median(r[f"{metric} ratio"] for r in results)
                print(f"{name:<11} {metric:<14} {value:>9,.0f}/s {ratio:>8.0%}")


if __name__ == "__main__":
    asyncio.run(main())
