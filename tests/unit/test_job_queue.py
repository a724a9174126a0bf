"""JobQueue over the in-memory store and bus."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from semiont_jobs import (
    CancelledJob,
    InMemoryEventBus,
    InMemoryJobStore,
    InvalidJobIdError,
    JobId,
    JobQueue,
    JobUser,
    PendingJob,
    ResourceId,
    TagDetectionParams,
    UserId,
)
from semiont_jobs.ports import UniqueKeyContendedError
from semiont_jobs.testing.jobs import BASE_TIME, pending
from semiont_jobs.testing.recorder import Recorder

LEASE = timedelta(seconds=30)


@pytest.fixture
def bus() -> InMemoryEventBus:
    return InMemoryEventBus()


@pytest.fixture
def queue(bus: InMemoryEventBus) -> JobQueue:
    return JobQueue(InMemoryJobStore(), bus)


async def test_create_announces_job_queued_on_the_resource_scope(
    queue: JobQueue, bus: InMemoryEventBus
) -> None:
    scoped, root = Recorder(), Recorder()
    await bus.scope(ResourceId("res-9")).subscribe("job:queued", scoped)
    await bus.subscribe("job:queued", root)
    await queue.create_job(pending("job-a", resource="res-9"))
    assert [e.payload for e in scoped.events] == [
        {"jobId": "job-a", "jobType": "highlight-annotation", "resourceId": "res-9"}
    ]
    assert root.events == []


async def test_generation_jobs_have_no_resource_id_and_announce_nothing(
    queue: JobQueue, bus: InMemoryEventBus
) -> None:
    recorder = Recorder()
    await bus.subscribe(None, recorder, every_scope=True)
    await queue.create_job(pending("job-g", job_type="generation"))
    assert recorder.events == []


async def test_enqueue_builds_metadata(queue: JobQueue) -> None:
    user = JobUser(user_id=UserId("u1"), user_name="Ada", user_email="a@x", user_domain="x")
    job = await queue.enqueue(
        TagDetectionParams(resource_id=ResourceId("r"), schema_id="legal-irac", categories=("Issue",)),
        user,
        max_retries=5,
    )
    assert job.type == "tag-annotation" and job.id.startswith("job-")
    assert (job.metadata.user_id, job.metadata.max_retries, job.metadata.retry_count) == ("u1", 5, 0)
    assert await queue.get_job(job.id) == job


async def test_get_rejects_invalid_ids(queue: JobQueue) -> None:
    with pytest.raises(InvalidJobIdError):
        await queue.get_job("../../etc/passwd")


async def test_cancel_rules(queue: JobQueue) -> None:
    for i in range(3):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
    assert await queue.cancel_job("job-0") is True
    claim = await queue.claim_next("w", lease=LEASE)
    assert claim is not None and claim.job_id == "job-1"
    assert await queue.cancel_job("job-1") is True
    cancelled = await queue.get_job("job-1")
    assert isinstance(cancelled, CancelledJob) and cancelled.started_at == claim.job.started_at
    assert await queue.cancel_job("job-1") is False
    assert await queue.cancel_job("job-missing") is False
    assert (await queue.get_stats()).cancelled == 2


async def test_retry_requeues_failed_and_cancelled_only(queue: JobQueue) -> None:
    await queue.create_job(pending("job-a", retry_count=2))
    claim = await queue.claim_next("w", lease=LEASE)
    assert claim is not None
    await queue.finish(claim, claim.job.fail("x", BASE_TIME))
    assert await queue.retry_job("job-a") is True
    again = await queue.get_job("job-a")
    assert isinstance(again, PendingJob) and again.metadata.retry_count == 0
    assert await queue.retry_job("job-a") is False


async def test_cleanup_uses_retention_hours(bus: InMemoryEventBus) -> None:
    now = BASE_TIME + timedelta(days=2)
    queue = JobQueue(InMemoryJobStore(clock=lambda: now), bus, clock=lambda: now)
    for i, hours_ago in enumerate([30, 10]):
        await queue.create_job(pending(f"job-{i}", offset_seconds=i))
        claim = await queue.claim_next("w", lease=LEASE)
        assert claim is not None
        await queue.finish(claim, claim.job.complete(None, now - timedelta(hours=hours_ago)))
    assert await queue.cleanup_old_jobs(retention_hours=24) == 1
    assert await queue.get_job("job-0") is None and await queue.get_job("job-1") is not None
    assert await queue.cleanup_old_jobs(retention_hours=1) == 1


async def test_list_jobs_filters(queue: JobQueue) -> None:
    await queue.create_job(pending("job-a", user="u1"))
    await queue.create_job(pending("job-b", user="u2", offset_seconds=1, job_type="comment-annotation"))
    assert [j.id for j in await queue.list_jobs()] == ["job-b", "job-a"]
    assert [j.id for j in await queue.list_jobs(user_id=UserId("u1"))] == ["job-a"]
    assert [j.id for j in await queue.list_jobs(type="comment-annotation")] == ["job-b"]
    assert [j.id for j in await queue.list_jobs(status="running")] == []


async def test_a_unique_key_that_keeps_changing_hands_is_a_clear_error(bus: InMemoryEventBus) -> None:
    class Handoffs(InMemoryJobStore):
        async def create(self, job: PendingJob[Any]) -> JobId:
            return JobId("job-finished-meanwhile")  # a holder that is gone when looked up

    queue = JobQueue(Handoffs(), bus)
    with pytest.raises(UniqueKeyContendedError) as error:
        await queue.create_job(pending("job-new", unique_key="k-1"))
    assert (error.value.job_id, error.value.unique_key, error.value.attempts) == ("job-new", "k-1", 5)
    assert "changed hands 5 times" in str(error.value)
