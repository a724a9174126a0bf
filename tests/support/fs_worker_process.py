"""A worker process on a filesystem store, for multi-process tests.

``python -m tests.support.fs_worker_process DATA_DIR LOG [--hang JOB_ID] [--lease S] [--wait S]``
runs a real :class:`JobWorker` until the queue is idle. Each execution appends
``start <id>`` and ``done <id>`` lines to LOG; the job ``--hang`` never finishes.
With ``--wait`` the process instead waits for one job to appear and logs
``claimed <id> <unix time>``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import timedelta
from typing import Any, TextIO

from semiont_jobs import (
    FilesystemJobStore,
    HighlightDetectionResult,
    JobQueue,
    JobWorker,
    PendingJob,
    RunningJob,
    WorkerSettings,
)


class LoggingWorker(JobWorker):
    def __init__(self, queue: JobQueue, settings: WorkerSettings, log: TextIO, hang: str | None) -> None:
        super().__init__(queue, settings)
        self.log = log
        self.hang = hang

    def worker_name(self) -> str:
        return f"logging-{os.getpid()}"

    def can_process_job(self, job: PendingJob[Any]) -> bool:
        return True

    def _write(self, line: str) -> None:
        self.log.write(line + "\n")
        self.log.flush()

    async def execute_job(self, job: RunningJob[Any, Any]) -> HighlightDetectionResult:
        self._write(f"start {job.id}")
        if job.id == self.hang:
            await asyncio.sleep(3600)
        self._write(f"done {job.id}")
        return HighlightDetectionResult(highlights_found=0, highlights_created=0)


async def wait_for_one(store: FilesystemJobStore, log: TextIO, deadline: float) -> None:
    print("ready", flush=True)
    while time.monotonic() < deadline:
        claim = await store.claim("waiter", timedelta(seconds=30))
        if claim is not None:
            log.write(f"claimed {claim.job_id} {time.time()}\n")
            return
        await store.wait_for_work(deadline - time.monotonic())


async def main(args: argparse.Namespace, log: TextIO) -> None:
    store = FilesystemJobStore(args.data_dir)
    await store.open()
    if args.wait is not None:
        await wait_for_one(store, log, time.monotonic() + args.wait)
    else:
        settings = WorkerSettings(
            concurrency=args.concurrency, lease=timedelta(seconds=args.lease), poll_interval=0.2
        )
        await LoggingWorker(JobQueue(store), settings, log, args.hang).run_until_idle()
    await store.close()


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("log")
    parser.add_argument("--hang")
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--wait", type=float)
    args = parser.parse_args()
    with open(args.log, "a", encoding="utf-8") as log:
        asyncio.run(main(args, log))


if __name__ == "__main__":
    run()
