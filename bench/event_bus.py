"""Filesystem event bus: publish rate and cross-process delivery latency.

Run: .venv/bin/python bench/event_bus.py   (about a minute)

Each rate is compared with a bare loop measured in the same run that appends
one line and (with fsync) fdatasyncs it, from one process. Every figure is the
median of REPEATS runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from semiont_jobs import FilesystemEventBus
from semiont_jobs.ports import Event

REPEATS = 3
EVENTS = 2000
LINE = b'{"seq":1,"time":"2026-01-01T00:00:00.000Z","channel":"bench","scope":null,"payload":{"n":1}}\n'


def bare_rate(directory: Path, events: int, fsync: bool) -> float:
    fd = os.open(directory / "bare.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    start = time.perf_counter()
    for _ in range(events):
        os.write(fd, LINE)
        if fsync:
            os.fdatasync(fd)
    elapsed = time.perf_counter() - start
    os.close(fd)
    return events / elapsed


async def publish_span(
    directory: Path, events: int, concurrency: int, fsync: bool, start_at: float = 0.0
) -> tuple[float, float]:
    bus = FilesystemEventBus(directory, fsync=fsync)
    await bus.publish("warmup", {})
    await asyncio.sleep(max(0.0, start_at - time.time()))

    async def publisher(share: int) -> None:
        for n in range(share):
            await bus.publish("bench", {"n": n})

    start = time.time()
    await asyncio.gather(*(publisher(events // concurrency) for _ in range(concurrency)))
    end = time.time()
    await bus.close()
    return start, end


def bus_rate(directory: Path, processes: int, concurrency: int, fsync: bool) -> float:
    share = EVENTS // processes
    if processes == 1:
        start, end = asyncio.run(publish_span(directory, share, concurrency, fsync))
        return share / (end - start)
    start_at = time.time() + 2.0
    args = [str(directory), str(share), str(concurrency), str(int(fsync)), str(start_at)]
    children = [
        subprocess.Popen([sys.executable, __file__, "publish", *args], stdout=subprocess.PIPE)
        for _ in range(processes)
    ]
    spans = [json.loads(child.communicate()[0]) for child in children]
    return share * processes / (max(e for _, e in spans) - min(s for s, _ in spans))


async def subscribe_latencies(directory: Path, count: int) -> list[float]:
    bus = FilesystemEventBus(directory)
    latencies: list[float] = []
    done = asyncio.Event()

    async def handler(event: Event) -> None:
        latencies.append(time.time() - event.payload["sent"])
        if len(latencies) == count:
            done.set()

    await bus.subscribe("latency", handler)
    print("ready", flush=True)
    await done.wait()
    await bus.close()
    return latencies


async def measure_latency(directory: Path, count: int = 200) -> list[float]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "subscribe", str(directory), str(count), stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    assert (await child.stdout.readline()).strip() == b"ready"
    bus = FilesystemEventBus(directory)
    for _ in range(count):
        await bus.publish("latency", {"sent": time.time()})
        await asyncio.sleep(0.01)
    await bus.close()
    latencies: list[float] = json.loads(await child.stdout.read())
    await child.wait()
    return latencies


def median_of(measure: object) -> float:
    assert callable(measure)
    results = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory(dir=Path.cwd() / ".bench-tmp") as directory:
            results.append(measure(Path(directory)))
    return statistics.median(results)


def main() -> None:
    (Path.cwd() / ".bench-tmp").mkdir(exist_ok=True)
    rows: list[tuple[str, float, float]] = []
    for fsync in (True, False):
        mode = "fsync" if fsync else "no fsync"
        bare = median_of(lambda d, f=fsync: bare_rate(d, EVENTS * (1 if f else 20), f))
        rows.append((f"bare append loop, 1 process, {mode}", bare, 1.0))
        for processes, concurrency in ((1, 1), (1, 16), (4, 1), (4, 16)):
            rate = median_of(lambda d, p=processes, c=concurrency, f=fsync: bus_rate(d, p, c, f))
            label = f"bus publish, {processes} proc x {concurrency} concurrent, {mode}"
            rows.append((label, rate, rate / bare))
    print(f"{'measurement':<52} {'events/s':>10} {'vs bare':>8}")
    for label, rate, ratio in rows:
        print(f"{label:<52} {rate:>10.0f} {ratio:>7.2f}x")

    runs = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory(dir=Path.cwd() / ".bench-tmp") as directory:
            runs.append(sorted(asyncio.run(measure_latency(Path(directory)))))
    p50 = statistics.median(run[len(run) // 2] for run in runs) * 1000
    p95 = statistics.median(run[int(len(run) * 0.95)] for run in runs) * 1000
    print(f"\ncross-process publish-to-delivery latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "publish":
        directory, share, concurrency, fsync, start_at = sys.argv[2:]
        span = asyncio.run(
            publish_span(Path(directory), int(share), int(concurrency), fsync == "1", float(start_at))
        )
        print(json.dumps(span))
    elif len(sys.argv) > 1 and sys.argv[1] == "subscribe":
        latencies = asyncio.run(subscribe_latencies(Path(sys.argv[2]), int(sys.argv[3])))
        print(json.dumps(latencies))
    else:
        main()
