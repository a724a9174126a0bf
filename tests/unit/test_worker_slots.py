"""Worker slots: a job whose handler returned frees its slot while its outcome is stored, within a bound."""

from __future__ import annotations

import asyncio
from typing import Any

from semiont_jobs import (
    CompleteJob,
    InMemoryJobStore,
    JobQueue,
    JobWorker,
    PendingJob,
    RunningJob,
    WorkerSettings,
)
from semiont_jobs.domain.jobs import Job
from semiont_jobs.ports.job_store import Claim
from semiont_jobs.testing.jobs import pending

SETTINGS = WorkerSettings(concurrency=2, poll_interval=0.05)


class SlowFinishes(InMemoryJobStore):
    """Holds every finish until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.finishing = 0

    async def finish(self, claim: Claim, job: Job) -> None:
        self.finishing += 1
        await self.release.wait()
        await super().finish(claim, job)


class Recording(JobWorker):
    def __init__(self, queue: JobQueue) -> None:
        super().__init__(queue, SETTINGS)
        self.started: list[str] = []
        self.running = 0
        self.most_running = 0

    def worker_name(self) -> str:
        return "recording"

    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        self.started.append(job.id)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        await asyncio.sleep(0)
        self.running -= 1
        return None


async def until(condition: Any) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.005)


async def test_the_next_jobs_start_while_the_last_outcomes_are_stored_and_no_more_than_twice_the_slots() -> (
    None
):
    store = SlowFinishes()
    queue = JobQueue(store)
    for i in range(6):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
    worker = Recording(queue)
    task = asyncio.create_task(worker.start())
    try:
        await until(lambda: store.finishing == 4)
        await asyncio.sleep(0.1)
        assert worker.started == ["job-0", "job-1", "job-2", "job-3"], "held more than twice the slots"
        assert worker.running_jobs == 4
        assert [type(await queue.get_job(f"job-{i}")) for i in range(6)] == [RunningJob] * 4 + [
            PendingJob
        ] * 2
        store.release.set()
        await until(lambda: len(worker.started) == 6 and worker.running_jobs == 0)
    finally:
        store.release.set()
        await worker.stop(grace=1)
        await asyncio.wait_for(task, 5)
    assert worker.most_running <= 2
    assert [type(await queue.get_job(f"job-{i}")) for i in range(6)] == [CompleteJob] * 6


async def test_run_until_idle_waits_for_outcomes_still_being_stored() -> None:
    store = SlowFinishes()
    queue = JobQueue(store)
    await queue.create_job(pending("job-a"))
    worker = Recording(queue)
    run = asyncio.create_task(worker.run_until_idle())
    try:
        await until(lambda: store.finishing == 1)
        await asyncio.sleep(0.1)
        assert not run.done()
    finally:
        store.release.set()
    await asyncio.wait_for(run, 5)
    assert isinstance(await queue.get_job("job-a"), CompleteJob)
