"""A worker process for the multi-process tests: logs each execution to a file as it happens.

``python -m tests.postgres.worker_process DSN SCHEMA LOG_DIR`` runs until SIGTERM.
Lines (written unbuffered, so they survive SIGKILL): ``start ID T``, ``end ID T``,
``completed ID T`` with ``T`` from the system-wide monotonic clock. The job named
by ``--slow-job`` hangs on its first attempt.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from semiont_jobs import CompleteJob, JobQueue, JobWorker, PendingJob, RunningJob, WorkerSettings
from semiont_jobs.adapters.postgres import PostgresJobStore


class LoggingWorker(JobWorker):
    def __init__(self, queue: JobQueue, settings: WorkerSettings, log_fd: int, slow_job: str | None) -> None:
        super().__init__(queue, settings)
        self.log_fd = log_fd
        self.slow_job = slow_job

    def record(self, what: str, job_id: str) -> None:
        os.write(self.log_fd, f"{what} {job_id} {time.monotonic():.6f}\n".encode())

    def worker_name(self) -> str:
        return "multiprocess-test"

    def can_process_job(self, job: PendingJob[Any]) -> bool:
        return True

    async def execute_job(self, job: RunningJob[Any, Any]) -> None:
        self.record("start", job.id)
        if job.id == self.slow_job and job.metadata.retry_count == 0:
            await asyncio.sleep(3600)
        await asyncio.sleep(0.001)
        self.record("end", job.id)

    async def on_job_completed(self, job: CompleteJob[Any, Any]) -> None:
        self.record("completed", job.id)


async def run(args: argparse.Namespace) -> None:
    store = PostgresJobStore(
        args.dsn,
        schema=args.schema,
        application_name=args.application_name,
        max_connections=args.concurrency + 2,
    )
    queue = JobQueue(store)
    await queue.open()
    settings = WorkerSettings(
        concurrency=args.concurrency,
        lease=timedelta(seconds=args.lease),
        recovery_interval=0.25,
        poll_interval=0.5,
        error_backoff=0.05,
        stop_grace=5,
    )
    log_fd = os.open(Path(args.log_dir) / f"{os.getpid()}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    worker = LoggingWorker(queue, settings, log_fd, args.slow_job)
    stopping: set[asyncio.Task[None]] = set()
    asyncio.get_running_loop().add_signal_handler(
        signal.SIGTERM, lambda: stopping.add(asyncio.create_task(worker.stop()))
    )
    try:
        await worker.start()
    finally:
        await queue.close()
        os.close(log_fd)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dsn")
    parser.add_argument("schema")
    parser.add_argument("log_dir")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--lease", type=float, default=2.0)
    parser.add_argument("--slow-job")
    parser.add_argument("--application-name", default="semiont-jobs-test-worker")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
