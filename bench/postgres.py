"""PostgreSQL job store benchmark: ``python bench/postgres.py [--dsn DSN] [--jobs N] [--repeat R] [--quick]``.

Prints medians of R runs, every kind measured in turn within each run:

- drain: N no-op jobs enqueued beforehand, then dequeued and acknowledged by K
  slots spread over P worker processes (jobs/s from ``go`` to the last one done);
- lifecycle: the parent enqueues N jobs one at a time while the workers run them
  (jobs/s from ``go`` until the last one is complete);

at K = 4 and 16 slots over P = 1 and 2 processes. Ours is the whole worker
runtime (JobWorker with a no-op handler over PostgresJobStore), with its default
settings and with ``WorkerSettings(prefetch=8)`` (claims of up to the free slots
+ 8, the jobs ahead started as slots free). Ratios are ours, the faster of the
two, over each other kind. Against it: a
bare loop of our own claim and finish SQL through psycopg, one connection per
slot and one job at a time; the same loop through asyncpg (needs asyncpg, never
a dependency); and pgqueuer (``.venv/bin/pip install pgqueuer
asyncpg``, never a dependency; "not installed" when absent) with its asyncpg
driver and with its psycopg driver, with its default batch settings (dequeue
batches of 10, acknowledgements buffered 10 at a time or for 0.1 s) and no cap on
concurrent jobs: its cap (``max_concurrent_tasks``) must be at least twice the
batch size, and an entrypoint ``concurrency_limit`` of K holds each slot until the
acknowledgement buffer flushes (about 40 jobs/s at K=4), so pgqueuer runs here as
fast as its defaults let it. Also the enqueue rate and cross-process pickup.
``--kinds ours,bare`` measures only some of them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from postgres_children import child
from postgres_schemas import drop, fresh_schema, jobs, options

from semiont_jobs.adapters.postgres import PostgresJobStore
from semiont_jobs.adapters.postgres import job_rows as q
from semiont_jobs.testing.jobs import pending

DEFAULT_DSN = os.environ.get("SEMIONT_JOBS_TEST_PG_DSN") or "postgresql://postgres@127.0.0.1:5432/test"
KINDS = ("ours", "ours-prefetch", "bare", "bare-asyncpg", "pgqueuer-asyncpg", "pgqueuer-psycopg")
LABELS = {
    "ours": "ours",
    "ours-prefetch": "ours, prefetch 8",
    "bare": "bare psycopg loop",
    "bare-asyncpg": "bare asyncpg loop",
    "pgqueuer-asyncpg": "pgqueuer asyncpg",
    "pgqueuer-psycopg": "pgqueuer psycopg",
}
SHAPES = ((4, 1), (4, 2), (16, 1), (16, 2))


def installed(kind: str) -> bool:
    needs = {"bare-asyncpg": ["asyncpg"], "pgqueuer-asyncpg": ["pgqueuer", "asyncpg"]}
    needs["pgqueuer-psycopg"] = ["pgqueuer"]
    return all(importlib.util.find_spec(name) is not None for name in needs.get(kind, []))


class Producer:
    """Enqueues the benchmark's jobs for one kind: all at once, or one at a time."""

    def __init__(self, kind: str, dsn: str, schema: str) -> None:
        self.kind, self.dsn, self.schema = kind, dsn, schema
        self.pgqueuer = kind.startswith("pgqueuer-")

    async def __aenter__(self) -> Producer:
        if self.pgqueuer:
            from pgqueuer.queries import Queries
            from postgres_children import pgqueuer_driver

            kind = self.kind.removeprefix("pgqueuer-")
            driver, self.queue_conn = await pgqueuer_driver(kind, self.dsn, self.schema)
            self.queries = Queries(driver)
        else:
            self.store = PostgresJobStore(self.dsn, schema=self.schema)
            await self.store.open()
        self.watch = await psycopg.AsyncConnection.connect(
            self.dsn, autocommit=True, options=options(self.schema)
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.watch.close()
        if self.pgqueuer:
            await self.queue_conn.close()
        else:
            await self.store.close()

    async def all_at_once(self, count: int) -> None:
        todo = jobs(count)
        for at in range(0, count, 1000):
            size = min(1000, count - at)
            if self.pgqueuer:
                await self.queries.enqueue(["bench"] * size, [None] * size, [0] * size)
            else:
                await self.store.create_many(todo[at : at + size])

    async def one_at_a_time(self, count: int) -> None:
        for job in jobs(count):
            if self.pgqueuer:
                await self.queries.enqueue("bench", None)
            else:
                await self.store.create(job)

    async def left(self, count: int) -> int:
        """How many of the ``count`` jobs are not yet complete."""
        query = (
            "SELECT count(*) FROM pgqueuer"
            if self.pgqueuer
            else ("SELECT %s - count(*) FROM semiont_jobs WHERE status = 'complete'")
        )
        row = await (await self.watch.execute(query, () if self.pgqueuer else (count,))).fetchone()
        return int(row[0]) if row else count


def spawn(kind: str, mode: str, dsn: str, schema: str, slots: int) -> subprocess.Popen[str]:
    here = Path(__file__).resolve()
    command = [sys.executable, str(here), "--child", kind, "--mode", mode, "--dsn", dsn, "--schema", schema]
    command += ["--slots", str(slots)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def expect(child_process: subprocess.Popen[str], word: str) -> str:
    assert child_process.stdout is not None
    line = child_process.stdout.readline().split()
    if not line or line[0] != word:
        raise RuntimeError(f"benchmark child said {line!r}, expected {word!r}")
    return line[-1]


def tell(children: list[subprocess.Popen[str]], word: str) -> None:
    for child_process in children:
        assert child_process.stdin is not None
        child_process.stdin.write(f"{word}\n")
        child_process.stdin.flush()


async def run_once(kind: str, mode: str, dsn: str, count: int, slots: int, processes: int) -> float:
    """Jobs per second of one drain or lifecycle run."""
    schema = await fresh_schema(dsn, kind)
    try:
        async with Producer(kind, dsn, schema) as producer:
            if mode == "drain":
                await producer.all_at_once(count)
            children = [spawn(kind, mode, dsn, schema, slots // processes) for _ in range(processes)]
            for child_process in children:
                expect(child_process, "ready")
            started = time.monotonic()
            tell(children, "go")
            if mode == "drain":
                finished = max(float(expect(child_process, "done")) for child_process in children)
            else:
                await producer.one_at_a_time(count)
                while await producer.left(count):
                    await asyncio.sleep(0.005)
                finished = time.monotonic()
                tell(children, "stop")
            for child_process in children:
                child_process.wait(timeout=60)
            if left := await producer.left(count):
                raise RuntimeError(f"{kind} {mode}: {left} of {count} jobs not complete")
    finally:
        await drop(dsn, schema)
    return count / (finished - started)


async def enqueue_rate(dsn: str, count: int, batch: int | None, bare: bool) -> float:
    schema = await fresh_schema(dsn)
    todo = jobs(count)
    rows = [q.row_of(job) for job in todo]
    channel = f"semiont_jobs.{schema}.jobs"
    store = PostgresJobStore(dsn, schema=schema)
    await store.open()
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=options(schema))
    started = time.perf_counter()
    for at in range(0, count, batch or 1):
        chunk = rows[at : at + (batch or 1)]
        if bare:
            columns = {key: [row[key] for row in chunk] for key in chunk[0]}
            await conn.execute(
                q.INSERT_MANY if batch else q.INSERT, {**(columns if batch else chunk[0]), "channel": channel}
            )
        elif batch:
            await store.create_many(todo[at : at + batch])
        else:
            await store.create(todo[at])
    elapsed = time.perf_counter() - started
    await conn.close()
    await store.close()
    await drop(dsn, schema)
    return count / elapsed


async def pickup(dsn: str, samples: int) -> list[float]:
    schema = await fresh_schema(dsn)
    child_process = spawn("pickup", "lifecycle", dsn, schema, 1)
    expect(child_process, "ready")
    tell([child_process], "go")
    store = PostgresJobStore(dsn, schema=schema)
    await store.open()
    latencies = []
    for i in range(samples):
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await store.create(pending(f"job-{i}"))
        latencies.append(float(expect(child_process, "picked")) - started)
    tell([child_process], "stop")
    child_process.wait(timeout=60)
    await store.close()
    await drop(dsn, schema)
    return latencies


def ratio(rates: dict[str, float], others: list[float]) -> str:
    """The faster of ours over the fastest of ``others``, or a dash when either was not measured."""
    ours = [rates[kind] for kind in ("ours", "ours-prefetch") if kind in rates]
    return f"{max(ours) / max(others):.2f}" if others and ours else "—"


async def main(args: argparse.Namespace) -> None:
    dsn, n, repeat = args.dsn, args.jobs, args.repeat
    kinds = [kind for kind in KINDS if installed(kind) and (not args.kinds or kind in args.kinds.split(","))]
    print(f"PostgreSQL job store, {n} jobs, median of {repeat} runs, {os.cpu_count()} CPUs,")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start\n")
    print(
        f"| jobs/s | slots | processes | {' | '.join(LABELS[kind] for kind in kinds)} "
        "| best ours / bare psycopg | best ours / bare asyncpg | best ours / faster pgqueuer |"
    )
    print(f"|---|---:|---:|{'---:|' * (len(kinds) + 3)}")
    for mode in ("drain", "lifecycle"):
        for slots, processes in SHAPES:
            runs: dict[str, list[float]] = {kind: [] for kind in kinds}
            for _ in range(repeat):
                for kind in kinds:
                    runs[kind].append(await run_once(kind, mode, dsn, n, slots, processes))
            rates = {kind: statistics.median(values) for kind, values in runs.items()}
            queuers = [rates[kind] for kind in rates if kind.startswith("pgqueuer-")]
            ratios = [ratio(rates, [rates[k]] if k in rates else []) for k in ("bare", "bare-asyncpg")]
            print(
                f"| {mode} | {slots} | {processes} | {' | '.join(f'{rates[kind]:,.0f}' for kind in kinds)} "
                f"| {' | '.join(ratios)} | {ratio(rates, queuers)} |",
                flush=True,
            )
    if not args.quick:
        for label, batch in (("enqueue, one at a time", None), ("enqueue, batches of 500", 500)):
            ours = statistics.median([await enqueue_rate(dsn, n, batch, False) for _ in range(repeat)])
            bare = statistics.median([await enqueue_rate(dsn, n, batch, True) for _ in range(repeat)])
            print(
                f"| {label} | 1 | 1 | {ours:,.0f} | {bare:,.0f} | {ours / bare:.2f} (ours / bare psycopg) |"
            )
        latencies = sorted(await pickup(dsn, args.pickups))
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
        print(
            f"| pickup by an idle worker in another process, p50 / p95 (ms) | 1 | 1 | {p50:.1f} / {p95:.1f} |"
        )
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")


def entry() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dsn", default=DEFAULT_DSN)
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pickups", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="1,000 jobs, one run, no enqueue or pickup rows")
    parser.add_argument("--kinds", help=f"a comma-separated subset of {','.join(KINDS)} (default: all)")
    parser.add_argument("--child")
    parser.add_argument("--mode", choices=("drain", "lifecycle"), default="drain")
    parser.add_argument("--schema")
    parser.add_argument("--slots", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.jobs, args.repeat = min(args.jobs, 1000), 1
    if args.child:
        asyncio.run(child(args.child)(args.dsn, args.schema, args.slots, args.mode))
    else:
        asyncio.run(main(args))


if __name__ == "__main__":
    entry()
