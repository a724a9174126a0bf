"""The worker processes of ``bench/postgres.py``: each says ``ready``, waits for ``go``, works, says ``done``.

A ``drain`` child stops when its queue is empty; a ``lifecycle`` child works until
the parent writes ``stop`` (the parent knows when the last job is complete).
Kinds: ``ours`` (JobWorker with a no-op handler over PostgresJobStore, default
settings; ``ours-prefetch`` the same claiming 8 jobs ahead), ``bare``
(one psycopg connection per slot looping over our own claim and finish SQL, one
job at a time), ``bare-asyncpg`` (the same loop and SQL through asyncpg),
``pgqueuer-asyncpg`` and ``pgqueuer-psycopg`` (a QueueManager with pgqueuer's
default batch settings and no cap on concurrent jobs).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import psycopg

from semiont_jobs import JobQueue, JobWorker, RunningJob, WorkerSettings
from semiont_jobs.adapters.postgres import PostgresJobStore, job_claims, job_rows, lease_writes
from semiont_jobs.testing.jobs import pending

CHANNEL = "semiont_jobs.{schema}.jobs"


class NoOpWorker(JobWorker):
    def worker_name(self) -> str:
        return "bench"

    async def execute_job(self, job: RunningJob[Any, Any]) -> None:
        return None


class PickupWorker(NoOpWorker):
    async def execute_job(self, job: RunningJob[Any, Any]) -> None:
        print(f"picked {time.monotonic():.6f}", flush=True)


async def read_line() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def ready_then_go() -> None:
    print("ready", flush=True)
    await read_line()


def done() -> None:
    print(f"done {time.monotonic():.6f}", flush=True)


async def until_stopped(run: Awaitable[None], stop: Callable[[], Awaitable[None]]) -> None:
    task = asyncio.ensure_future(run)
    await read_line()
    await stop()
    await task


async def run_loops(
    conns: list[Any], loop: Callable[[Any], Awaitable[None]], mode: str, stopping: asyncio.Event
) -> None:
    """Run ``loop`` on each connection from ``go`` (drain: until all return; lifecycle: until ``stop``)."""
    await ready_then_go()
    loops = asyncio.gather(*(loop(conn) for conn in conns))
    if mode == "drain":
        await loops
        done()
    else:

        async def stop() -> None:
            stopping.set()

        await until_stopped(loops, stop)
    for conn in conns:
        await conn.close()


PREFETCH = 8
"""How many jobs ``ours-prefetch`` claims ahead (pgqueuer dequeues 10 at a time)."""


async def child_ours(dsn: str, schema: str, slots: int, mode: str, prefetch: int = 0) -> None:
    store = PostgresJobStore(dsn, schema=schema, max_connections=slots + 2)
    queue = JobQueue(store)
    await queue.open()
    worker = NoOpWorker(queue, WorkerSettings(concurrency=slots, poll_interval=0.05, prefetch=prefetch))
    await ready_then_go()
    if mode == "drain":
        await worker.run_until_idle()
        done()
    else:
        await until_stopped(worker.start(), worker.stop)
    await queue.close()


async def child_bare(dsn: str, schema: str, slots: int, mode: str) -> None:
    channel = CHANNEL.format(schema=schema)
    sample = pending("bare")
    finished = job_rows.row_of(sample.start(sample.metadata.created).complete(None, sample.metadata.created))
    stopping = asyncio.Event()

    async def loop(conn: psycopg.AsyncConnection[Any]) -> None:
        while not stopping.is_set():
            claim = job_claims.claim_params("bare", timedelta(seconds=30), 1, None)
            rows = await (await conn.execute(job_claims.claim_first(False), claim, prepare=True)).fetchall()
            if not rows:
                if mode == "drain":
                    return
                await asyncio.sleep(0.002)
                continue
            document, _expires, token, *_ = rows[0]
            finish = {
                key: [value]
                for key, value in {**finished, "id": document["metadata"]["id"], "token": token}.items()
            }
            await conn.execute(lease_writes.FINISH_MANY, {**finish, "channel": channel}, prepare=True)

    conns = [
        await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=f"-c search_path={schema}")
        for _ in range(slots)
    ]
    await run_loops(conns, loop, mode, stopping)


def positional(statement: str) -> tuple[str, list[str]]:
    """``statement`` with ``%(name)s`` / ``%(name)b`` placeholders as asyncpg's ``$n``; the names in order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return re.sub(r"%\((\w+)\)[sb]", number, statement), names


async def child_bare_asyncpg(dsn: str, schema: str, slots: int, mode: str) -> None:
    import asyncpg

    channel = CHANNEL.format(schema=schema)
    sample = pending("bare")
    finished = job_rows.row_of(sample.start(sample.metadata.created).complete(None, sample.metadata.created))
    finished["document"] = finished["document"].obj
    claim_sql, claim_names = positional(job_claims.claim_first(False))
    finish_sql, finish_names = positional(lease_writes.FINISH_MANY)
    stopping = asyncio.Event()

    async def loop(conn: Any) -> None:
        while not stopping.is_set():
            claim = job_claims.claim_params("bare", timedelta(seconds=30), 1, None)
            rows = await conn.fetch(claim_sql, *(claim[name] for name in claim_names))
            if not rows:
                if mode == "drain":
                    return
                await asyncio.sleep(0.002)
                continue
            document, token = rows[0][0], rows[0][2]
            finish = {
                key: [value]
                for key, value in {**finished, "id": document["metadata"]["id"], "token": token}.items()
            }
            finish["channel"] = channel  # type: ignore[assignment]
            await conn.fetch(finish_sql, *(finish[name] for name in finish_names))

    conns = [await asyncpg.connect(dsn, server_settings={"search_path": schema}) for _ in range(slots)]
    for conn in conns:
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await run_loops(conns, loop, mode, stopping)


async def pgqueuer_driver(driver: str, dsn: str, schema: str) -> tuple[Any, Any]:
    """A pgqueuer driver of the given kind on a fresh connection to ``schema``, and that connection."""
    if driver == "asyncpg":
        import asyncpg
        from pgqueuer import AsyncpgDriver

        conn: Any = await asyncpg.connect(dsn, server_settings={"search_path": schema})
        return AsyncpgDriver(conn), conn
    from pgqueuer import PsycopgDriver

    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True, options=f"-c search_path={schema}")
    return PsycopgDriver(conn), conn


async def child_pgqueuer(driver: str, dsn: str, schema: str, slots: int, mode: str) -> None:
    from pgqueuer import QueueManager
    from pgqueuer.models import Job
    from pgqueuer.queries import Queries
    from pgqueuer.types import QueueExecutionMode

    manager = QueueManager(Queries((await pgqueuer_driver(driver, dsn, schema))[0]))

    @manager.entrypoint("bench")
    async def run(job: Job) -> None:
        return None

    await ready_then_go()
    if mode == "drain":
        await manager.run(mode=QueueExecutionMode.drain, dequeue_timeout=timedelta(seconds=1))
        done()
    else:

        async def stop() -> None:
            manager.shutdown.set()

        await until_stopped(manager.run(dequeue_timeout=timedelta(seconds=1)), stop)


async def child_pickup(dsn: str, schema: str, _slots: int, _mode: str) -> None:
    store = PostgresJobStore(dsn, schema=schema)
    queue = JobQueue(store)
    await queue.open()
    worker = PickupWorker(queue, WorkerSettings(poll_interval=1.0))
    await ready_then_go()
    await until_stopped(worker.start(), worker.stop)
    await queue.close()


def child(kind: str) -> Callable[[str, str, int, str], Awaitable[None]]:
    if kind.startswith("pgqueuer-"):
        driver = kind.removeprefix("pgqueuer-")
        return lambda dsn, schema, slots, mode: child_pgqueuer(driver, dsn, schema, slots, mode)
    if kind == "ours-prefetch":
        return lambda dsn, schema, slots, mode: child_ours(dsn, schema, slots, mode, PREFETCH)
    children = {"ours": child_ours, "bare": child_bare, "bare-asyncpg": child_bare_asyncpg}
    return {**children, "pickup": child_pickup}[kind]
