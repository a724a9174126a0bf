"""Worker slots: a finished handler frees its slot while its outcome is stored; jobs claimed ahead."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import attrs

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


class Claims(InMemoryJobStore):
    """Records the limit of every claim."""

    def __init__(self) -> None:
        super().__init__()
        self.limits: list[int] = []

    async def claim_many(self, worker_id: str, lease: timedelta, limit: int, **kwargs: Any) -> Any:
        self.limits.append(limit)
        return await super().claim_many(worker_id, lease, limit, **kwargs)


class Blocking(JobWorker):
    """Each handler waits for ``go``."""

    def __init__(self, queue: JobQueue, settings: WorkerSettings) -> None:
        super().__init__(queue, settings)
        self.go = asyncio.Event()
        self.started: list[str] = []

    def worker_name(self) -> str:
        return "blocking"

    async def execute_job(self, job: RunningJob[Any, Any]) -> Any:
        self.started.append(job.id)
        await self.go.wait()
        return None


async def statuses(queue: JobQueue, count: int) -> list[type]:
    return [type(await queue.get_job(f"job-{i}")) for i in range(count)]


async def test_prefetch_claims_ahead_and_starts_them_in_claim_order() -> None:
    store = Claims()
    queue = JobQueue(store)
    for i in range(7):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
    worker = Recording(queue)
    worker.settings = attrs.evolve(SETTINGS, prefetch=3)
    await worker.run_until_idle()
    assert store.limits[0] == 2 + 3
    assert worker.started == [f"job-{i}" for i in range(7)]
    assert await statuses(queue, 7) == [CompleteJob] * 7
    assert worker.most_running <= 2


async def test_a_job_claimed_ahead_that_waits_too_long_is_handed_back_unattempted() -> None:
    queue = JobQueue(InMemoryJobStore())
    for i in range(2):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
    settings = WorkerSettings(concurrency=1, prefetch=1, poll_interval=0.05, lease=timedelta(seconds=0.6))
    worker = Blocking(queue, settings)
    task = asyncio.create_task(worker.start())
    try:
        await until(lambda: worker.started == ["job-0"])
        assert await statuses(queue, 2) == [RunningJob, RunningJob]
        async with asyncio.timeout(5):
            while not isinstance(job := await queue.get_job("job-1"), PendingJob):
                await asyncio.sleep(0.01)
        assert job.metadata.retry_count == 0 and worker.started == ["job-0"]
        worker.go.set()
        await until(lambda: worker.started == ["job-0", "job-1"] and not worker.running_jobs)
    finally:
        worker.go.set()
        await worker.stop(grace=1)
        await asyncio.wait_for(task, 5)
    assert await statuses(queue, 2) == [CompleteJob, CompleteJob]


async def test_stop_hands_back_the_jobs_claimed_ahead() -> None:
    queue = JobQueue(InMemoryJobStore())
    for i in range(4):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
    worker = Blocking(queue, WorkerSettings(concurrency=1, prefetch=2, poll_interval=0.05))
    task = asyncio.create_task(worker.start())
    try:
        await until(lambda: worker.started == ["job-0"])
        assert await statuses(queue, 4) == [RunningJob] * 3 + [PendingJob]
    finally:
        await worker.stop(grace=0)
        await asyncio.wait_for(task, 5)
    assert await statuses(queue, 4) == [PendingJob] * 4
    assert all(job.metadata.retry_count == 0 for job in await queue.list_jobs())
