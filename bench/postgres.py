"""PostgreSQL job store benchmark: ``python bench/postgres.py [--dsn DSN] [--jobs N] [--repeat R]``.

Prints medians of R runs: enqueue rate (single and batched), full lifecycle rate
(claim, run a no-op, complete) with 1, 4 and 16 concurrent workers across 2
processes, and cross-process pickup latency. Each row is set against a bare
loop of the same SQL statements through psycopg, timed in the same run, and
the lifecycle rows against pgqueuer (``pip install pgqueuer``; skipped when absent)
with the same job and worker counts.
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
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from semiont_jobs import JobQueue, JobWorker, PendingJob, RunningJob, WorkerSettings
from semiont_jobs.adapters.postgres import PostgresJobStore, migrate
from semiont_jobs.adapters.postgres import job_rows as q
from semiont_jobs.testing.jobs import pending

DEFAULT_DSN = os.environ.get("SEMIONT_JOBS_TEST_PG_DSN") or "postgresql://postgres@127.0.0.1:5432/test"
HAVE_PGQUEUER = importlib.util.find_spec("pgqueuer") is not None


def jobs(count: int, prefix: str = "job") -> list[PendingJob[Any]]:
    return [pending(f"{prefix}-{i:06d}", offset_seconds=i / 1000) for i in range(count)]


def options(schema: str) -> str:
    return f"-c search_path={schema}"


async def fresh_schema(dsn: str) -> str:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    await migrate(dsn, schema=schema)
    return schema


async def drop(dsn: str, schema: str) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


# -- enqueue ------------------------------------------------------------------------------------


async def enqueue_ours(dsn: str, count: int, batch: int | None) -> float:
    schema = await fresh_schema(dsn)
    store = PostgresJobStore(dsn, schema=schema)
    await store.open()
    todo = jobs(count)
    started = time.perf_counter()
    if batch is None:
        for job in todo:
            await store.create(job)
    else:
        for at in range(0, count, batch):
            await store.create_many(todo[at : at + batch])
    elapsed = time.perf_counter() - started
    await store.close()
    await drop(dsn, schema)
    return count / elapsed


async def enqueue_bare(dsn: str, count: int, batch: int | None) -> float:
    schema = await fresh_schema(dsn)
    channel = f"semiont_jobs.{schema}.jobs"
    rows = [q.row_of(job) for job in jobs(count)]
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=options(schema)) as conn:
        started = time.perf_counter()
        if batch is None:
            for row in rows:
                await conn.execute(q.INSERT, {**row, "channel": channel})
        else:
            for at in range(0, count, batch):
                chunk = rows[at : at + batch]
                columns = {key: [row[key] for row in chunk] for key in chunk[0]}
                await conn.execute(q.INSERT_MANY, {**columns, "channel": channel})
        elapsed = time.perf_counter() - started
    await drop(dsn, schema)
    return count / elapsed


# -- lifecycle: children ---------------------------------------------------------------------


class NoOpWorker(JobWorker):
    def worker_name(self) -> str:
        return "bench"

    async def execute_job(self, job: RunningJob[Any, Any]) -> None:
        return None


class PickupWorker(NoOpWorker):
    async def execute_job(self, job: RunningJob[Any, Any]) -> None:
        print(f"picked {time.monotonic():.6f}", flush=True)


async def child_ours(dsn: str, schema: str, concurrency: int) -> None:
    store = PostgresJobStore(dsn, schema=schema, max_connections=concurrency + 2)
    queue = JobQueue(store)
    await queue.open()
    worker = NoOpWorker(queue, WorkerSettings(concurrency=concurrency, poll_interval=0.05))
    await ready_then_go()
    await worker.run_until_idle()
    print(f"done {time.monotonic():.6f}", flush=True)
    await queue.close()


async def child_bare(dsn: str, schema: str, concurrency: int) -> None:
    channel = f"semiont_jobs.{schema}.jobs"
    done = {**q.row_of(jobs(1)[0]), "status": "complete"}

    async def loop(conn: psycopg.AsyncConnection[Any]) -> None:
        while True:
            token = uuid.uuid4().hex[:16]
            claim = {"worker": "bare", "token": token, "lease": timedelta(seconds=30), "types": None}
            row = await (await conn.execute(q.claim_oldest(False), claim)).fetchone()
            if row is None:
                return
            finish = {**done, "id": row[0]["metadata"]["id"], "token": token, "channel": channel}
            await conn.execute(q.FINISH, finish)

    conns = [
        await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=options(schema))
        for _ in range(concurrency)
    ]
    await ready_then_go()
    await asyncio.gather(*(loop(conn) for conn in conns))
    print(f"done {time.monotonic():.6f}", flush=True)


async def child_pgqueuer(dsn: str, schema: str, concurrency: int) -> None:
    from pgqueuer import PsycopgDriver, QueueManager
    from pgqueuer.models import Job
    from pgqueuer.queries import Queries
    from pgqueuer.types import QueueExecutionMode

    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=options(schema))
    manager = QueueManager(Queries(PsycopgDriver(conn)))

    @manager.entrypoint("bench")
    async def run(job: Job) -> None:
        return None

    await ready_then_go()
    await manager.run(
        mode=QueueExecutionMode.drain, batch_size=concurrency, dequeue_timeout=timedelta(seconds=1)
    )
    print(f"done {time.monotonic():.6f}", flush=True)


async def child_pickup(dsn: str, schema: str, _concurrency: int) -> None:
    store = PostgresJobStore(dsn, schema=schema)
    queue = JobQueue(store)
    await queue.open()
    worker = PickupWorker(queue, WorkerSettings(poll_interval=1.0))
    task = asyncio.create_task(worker.start())
    await ready_then_go()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await worker.stop()
    await task
    await queue.close()


async def ready_then_go() -> None:
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


CHILDREN: dict[str, Callable[[str, str, int], Awaitable[None]]] = {
    "ours": child_ours,
    "bare": child_bare,
    "pgqueuer": child_pgqueuer,
    "pickup": child_pickup,
}


# -- lifecycle and pickup: the parent --------------------------------------------------------


def spawn(kind: str, dsn: str, schema: str, concurrency: int) -> subprocess.Popen[str]:
    command = [sys.executable, __file__, "--child", kind, "--dsn", dsn, "--schema", schema]
    command += ["--concurrency", str(concurrency)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def expect(child: subprocess.Popen[str], word: str) -> str:
    assert child.stdout is not None
    line = child.stdout.readline().split()
    if not line or line[0] != word:
        raise RuntimeError(f"benchmark child said {line!r}, expected {word!r}")
    return line[-1]


def go(children: list[subprocess.Popen[str]]) -> float:
    for child in children:
        expect(child, "ready")
    started = time.monotonic()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    return started


async def pgqueuer_schema(dsn: str, count: int) -> str:
    from pgqueuer import PsycopgDriver
    from pgqueuer.queries import Queries

    schema = f"bench_pgq_{uuid.uuid4().hex[:8]}"
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as admin:
        await admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=options(schema)) as conn:
        queries = Queries(PsycopgDriver(conn))
        await queries.install(create_schema=False)
        for at in range(0, count, 1000):
            size = min(1000, count - at)
            await queries.enqueue(["bench"] * size, [None] * size, [0] * size)
    return schema


async def lifecycle(kind: str, dsn: str, count: int, workers: int) -> float:
    if kind == "pgqueuer":
        schema = await pgqueuer_schema(dsn, count)
    else:
        schema = await fresh_schema(dsn)
        store = PostgresJobStore(dsn, schema=schema)
        await store.open()
        for at in range(0, count, 1000):
            await store.create_many(jobs(count)[at : at + 1000])
        await store.close()
    processes = 1 if workers == 1 else 2
    children = [spawn(kind, dsn, schema, workers // processes) for _ in range(processes)]
    started = go(children)
    finished = max(float(expect(child, "done")) for child in children)
    for child in children:
        child.wait(timeout=60)
    if kind != "pgqueuer":
        store = PostgresJobStore(dsn, schema=schema)
        await store.open()
        stats = await store.stats()
        await store.close()
        if stats.complete != count:
            raise RuntimeError(f"{kind}: {stats.complete} of {count} jobs complete")
    await drop(dsn, schema)
    return count / (finished - started)


async def pickup(dsn: str, samples: int) -> list[float]:
    schema = await fresh_schema(dsn)
    child = spawn("pickup", dsn, schema, 1)
    go([child])
    store = PostgresJobStore(dsn, schema=schema)
    await store.open()
    latencies = []
    for i in range(samples):
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await store.create(pending(f"job-{i}"))
        latencies.append(float(expect(child, "picked")) - started)
    assert child.stdin is not None
    child.stdin.write("stop\n")
    child.stdin.flush()
    child.wait(timeout=60)
    await store.close()
    await drop(dsn, schema)
    return latencies


def median_of(repeat: int, measure: Callable[[], Awaitable[float]]) -> Callable[[], Awaitable[float]]:
    async def run() -> float:
        return statistics.median([await measure() for _ in range(repeat)])

    return run


async def main(args: argparse.Namespace) -> None:
    dsn, n, repeat = args.dsn, args.jobs, args.repeat
    print(f"PostgreSQL job store, {n} jobs, median of {repeat} runs, {os.cpu_count()} CPUs\n")
    print("| measure | semiont-jobs | bare psycopg, same SQL | ours / bare | pgqueuer | ours / pgqueuer |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, batch in (("enqueue, one at a time", None), ("enqueue, batches of 500", 500)):
        ours = await median_of(repeat, lambda b=batch: enqueue_ours(dsn, n, b))()  # type: ignore[misc]
        bare = await median_of(repeat, lambda b=batch: enqueue_bare(dsn, n, b))()  # type: ignore[misc]
        print(f"| {label} (jobs/s) | {ours:,.0f} | {bare:,.0f} | {ours / bare:.2f} | | |")
    for workers in (1, 4, 16):
        rates = {}
        for kind in ("ours", "bare", "pgqueuer"):
            if kind == "pgqueuer" and not HAVE_PGQUEUER:
                continue
            measure = lambda k=kind, w=workers: lifecycle(k, dsn, n, w)  # noqa: E731
            rates[kind] = await median_of(repeat, measure)()
        versus = (
            f"{rates['pgqueuer']:,.0f} | {rates['ours'] / rates['pgqueuer']:.2f}"
            if "pgqueuer" in rates
            else "not installed (pip install pgqueuer) | —"
        )
        where = "1 process" if workers == 1 else "2 processes"
        ours, bare = rates["ours"], rates["bare"]
        plural = "s" if workers > 1 else ""
        label = f"full lifecycle, {workers} worker{plural}, {where} (jobs/s)"
        print(f"| {label} | {ours:,.0f} | {bare:,.0f} | {ours / bare:.2f} | {versus} |")
    latencies = sorted(await pickup(dsn, args.pickups))
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(f"| pickup by an idle worker in another process, p50 / p95 (ms) | {p50:.1f} / {p95:.1f} | | | | |")


def entry() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dsn", default=DEFAULT_DSN)
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pickups", type=int, default=40)
    parser.add_argument("--child", choices=sorted(CHILDREN))
    parser.add_argument("--schema")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    if args.child:
        asyncio.run(CHILDREN[args.child](args.dsn, args.schema, args.concurrency))
    else:
        asyncio.run(main(args))


if __name__ == "__main__":
    entry()
