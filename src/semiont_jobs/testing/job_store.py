"""The JobStore contract: what every job store promises, whatever its medium."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from semiont_jobs.domain.errors import InvalidJobIdError
from semiont_jobs.domain.ids import JobId, UserId
from semiont_jobs.domain.jobs import LOST_WORKER_ERROR, CompleteJob, FailedJob, PendingJob, RunningJob
from semiont_jobs.domain.progress import AnalysisProgress
from semiont_jobs.domain.queries import JobQuery
from semiont_jobs.domain.results import HighlightDetectionResult
from semiont_jobs.ports.errors import JobAlreadyExistsError, JobStateConflictError, LeaseLostError
from semiont_jobs.ports.job_store import JobStore
from semiont_jobs.testing.contract import Contract
from semiont_jobs.testing.job_store_batches import ClaimBatchesContract
from semiont_jobs.testing.jobs import BASE_TIME, pending

LEASE = timedelta(seconds=30)


def now() -> datetime:
    return datetime.now(UTC)


async def claim_all(store: JobStore, worker: str = "w") -> list[str]:
    claimed: list[str] = []
    while (claim := await store.claim(worker, LEASE)) is not None:
        claimed.append(claim.job_id)
    return claimed


class JobStoreContract(ClaimBatchesContract, Contract):
    """Subclass it and override the ``adapter`` fixture to yield your opened, empty store
    (and close it afterwards); every test below then runs against it."""

    __test__ = False

    @pytest.fixture
    def adapter(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must override the adapter fixture")

    async def test_created_job_reads_back_equal(self, adapter: JobStore) -> None:
        job = pending("job-a", job_type="tag-annotation")
        await adapter.create(job)
        assert await adapter.get(JobId("job-a")) == job

    async def test_missing_job_is_none(self, adapter: JobStore) -> None:
        assert await adapter.get(JobId("job-nobody")) is None

    async def test_duplicate_id_is_rejected_and_first_job_kept(self, adapter: JobStore) -> None:
        first = pending("job-a")
        await adapter.create(first)
        with pytest.raises(JobAlreadyExistsError):
            await adapter.create(pending("job-a", job_type="comment-annotation"))
        assert await adapter.get(JobId("job-a")) == first

    @pytest.mark.parametrize("bad_id", ["../../etc/passwd", "a/b", "", "..", "x" * 201, "sp ace"])
    async def test_invalid_ids_are_rejected_before_use(self, adapter: JobStore, bad_id: str) -> None:
        with pytest.raises(InvalidJobIdError):
            await adapter.get(JobId(bad_id))

    async def test_update_moves_between_statuses(self, adapter: JobStore) -> None:
        job = pending("job-a")
        await adapter.create(job)
        cancelled = job.cancel(now())
        await adapter.update(cancelled, expected_status="pending")
        assert await adapter.get(JobId("job-a")) == cancelled
        assert (await adapter.stats()).pending == 0
        assert (await adapter.stats()).cancelled == 1

    async def test_update_with_wrong_expected_status_conflicts(self, adapter: JobStore) -> None:
        job = pending("job-a")
        await adapter.create(job)
        with pytest.raises(JobStateConflictError):
            await adapter.update(job.cancel(now()), expected_status="running")
        with pytest.raises(JobStateConflictError):
            await adapter.update(pending("job-missing"), expected_status="pending")
        assert await adapter.get(JobId("job-a")) == job

    async def test_create_returns_the_new_jobs_id(self, adapter: JobStore) -> None:
        assert await adapter.create(pending("job-a")) == "job-a"

    async def test_claim_is_fifo_by_creation_time_not_by_id(self, adapter: JobStore) -> None:
        for offset, job_id in enumerate(["job-z", "job-m", "job-a", "job-q"]):
            await adapter.create(pending(job_id, offset_seconds=offset))
        assert await claim_all(adapter) == ["job-z", "job-m", "job-a", "job-q"]

    async def test_claimed_job_is_running_with_start_time(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        before = now() - timedelta(seconds=1)
        claim = await adapter.claim("worker-1", LEASE)
        assert claim is not None
        assert claim.worker_id == "worker-1"
        assert isinstance(claim.job, RunningJob)
        assert claim.job.progress is None
        assert claim.job.started_at >= before
        assert claim.expires_at > now()
        assert await adapter.get(JobId("job-a")) == claim.job
        assert await adapter.claim("worker-2", LEASE) is None

    async def test_claim_filters_by_type_and_predicate(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-h", job_type="highlight-annotation"))
        await adapter.create(pending("job-c", job_type="comment-annotation", offset_seconds=1))
        await adapter.create(pending("job-c2", job_type="comment-annotation", offset_seconds=2, user="bob"))
        assert await adapter.claim("w", LEASE, types=["tag-annotation"]) is None
        claim = await adapter.claim(
            "w", LEASE, types=["comment-annotation"], accept=lambda job: job.user_id == UserId("bob")
        )
        assert claim is not None and claim.job_id == "job-c2"
        claim = await adapter.claim("w", LEASE, types=["comment-annotation", "highlight-annotation"])
        assert claim is not None and claim.job_id == "job-h"

    async def test_job_is_not_claimable_before_run_after(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-later", run_after=now() + timedelta(seconds=0.4)))
        await adapter.create(pending("job-now", offset_seconds=5))
        assert await claim_all(adapter) == ["job-now"]
        await asyncio.sleep(0.5)
        assert await claim_all(adapter) == ["job-later"]

    async def test_concurrent_claimers_each_job_claimed_once(self, adapter: JobStore) -> None:
        for i in range(60):
            await adapter.create(pending(f"job-{i:03d}", offset_seconds=i))
        results = await asyncio.gather(*(claim_all(adapter, f"w{n}") for n in range(12)))
        claimed = [job_id for result in results for job_id in result]
        assert sorted(claimed) == [f"job-{i:03d}" for i in range(60)]
        assert (await adapter.stats()).running == 60

    async def test_progress_is_stored_under_the_claim(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        claim = await adapter.claim("w", LEASE)
        assert claim is not None
        progressed = claim.job.report_progress(AnalysisProgress(stage="analyzing", percentage=30))
        claim = await adapter.save_progress(claim, progressed)
        assert claim.job == progressed
        assert await adapter.get(JobId("job-a")) == progressed

    async def test_finish_completes_and_ends_the_claim(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        claim = await adapter.claim("w", LEASE)
        assert claim is not None
        done = claim.job.complete(HighlightDetectionResult(highlights_found=2, highlights_created=2), now())
        await adapter.finish(claim, done)
        stored = await adapter.get(JobId("job-a"))
        assert isinstance(stored, CompleteJob) and stored == done
        assert (await adapter.stats()).running == 0
        with pytest.raises(LeaseLostError):
            await adapter.save_progress(claim, claim.job)

    async def test_finish_can_return_a_job_for_retry(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        claim = await adapter.claim("w", LEASE)
        assert claim is not None
        await adapter.finish(claim, claim.job.retry("boom"))
        stored = await adapter.get(JobId("job-a"))
        assert isinstance(stored, PendingJob)
        assert stored.metadata.retry_count == 1 and stored.last_error == "boom"
        again = await adapter.claim("w", LEASE)
        assert again is not None and again.job_id == "job-a"

    async def test_cancelled_running_job_refuses_the_old_claim(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        claim = await adapter.claim("w", LEASE)
        assert claim is not None
        await adapter.update(claim.job.cancel(now()), expected_status="running")
        with pytest.raises(LeaseLostError) as lost:
            await adapter.save_progress(claim, claim.job)
        assert lost.value.reason == "cancelled"
        with pytest.raises(LeaseLostError):
            await adapter.finish(claim, claim.job.complete(None, now()))
        with pytest.raises(LeaseLostError):
            await adapter.renew(claim, LEASE)
        assert (await adapter.get(JobId("job-a"))).status == "cancelled"  # type: ignore[union-attr]

    async def test_expired_lease_is_recovered_to_pending(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        claim = await adapter.claim("w", timedelta(seconds=0.2))
        assert claim is not None
        assert await adapter.recover_expired() == []
        await asyncio.sleep(0.3)
        recovered = await adapter.recover_expired()
        assert [job.id for job in recovered] == ["job-a"]
        stored = await adapter.get(JobId("job-a"))
        assert isinstance(stored, PendingJob) and stored.metadata.retry_count == 1
        assert stored.last_error == LOST_WORKER_ERROR
        with pytest.raises(LeaseLostError):
            await adapter.finish(claim, claim.job.complete(None, now()))
        again = await adapter.claim("w2", LEASE)
        assert again is not None and again.job_id == "job-a"

    async def test_expired_lease_without_retries_left_fails_the_job(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a", max_retries=1))
        assert await adapter.claim("w", timedelta(seconds=0.1)) is not None
        await asyncio.sleep(0.2)
        [recovered] = await adapter.recover_expired()
        assert isinstance(recovered, FailedJob)
        assert await adapter.get(JobId("job-a")) == recovered

    async def test_recovery_can_be_limited_to_job_types(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a", job_type="comment-annotation"))
        assert await adapter.claim("w", timedelta(seconds=0.1)) is not None
        await asyncio.sleep(0.2)
        assert await adapter.recover_expired(["tag-annotation"]) == []
        assert len(await adapter.recover_expired(["comment-annotation"])) == 1

    async def test_renewed_lease_is_not_recovered(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-a"))
        claim = await adapter.claim("w", timedelta(seconds=0.2))
        assert claim is not None
        renewed = await adapter.renew(claim, timedelta(seconds=30))
        assert renewed.expires_at > claim.expires_at
        await asyncio.sleep(0.3)
        assert await adapter.recover_expired() == []
        await adapter.finish(renewed, renewed.job.complete(None, now()))

    async def test_list_filters_and_pages_newest_first(self, adapter: JobStore) -> None:
        for i in range(7):
            job_type: Any = "comment-annotation" if i % 2 else "highlight-annotation"
            await adapter.create(pending(f"job-{i}", job_type=job_type, offset_seconds=i, user=f"u{i % 3}"))
        everything = await adapter.list(JobQuery())
        assert [job.id for job in everything] == [f"job-{i}" for i in reversed(range(7))]
        comments = await adapter.list(JobQuery(type="comment-annotation"))
        assert [job.id for job in comments] == ["job-5", "job-3", "job-1"]
        user0 = await adapter.list(JobQuery(user_id=UserId("u0")))
        assert [job.id for job in user0] == ["job-6", "job-3", "job-0"]
        page = await adapter.list(JobQuery(limit=2, offset=3))
        assert [job.id for job in page] == ["job-3", "job-2"]
        await adapter.claim("w", LEASE)
        running = await adapter.list(JobQuery(status="running"))
        assert [job.id for job in running] == ["job-0"]

    async def test_stats_count_each_status(self, adapter: JobStore) -> None:
        for i in range(4):
            await adapter.create(pending(f"job-{i}", offset_seconds=i))
        claim = await adapter.claim("w", LEASE)
        assert claim is not None
        await adapter.finish(claim, claim.job.fail("bad", now()))
        await adapter.claim("w", LEASE)
        stats = await adapter.stats()
        assert (stats.pending, stats.running, stats.failed, stats.complete, stats.cancelled) == (
            2,
            1,
            1,
            0,
            0,
        )

    async def test_cleanup_deletes_only_finished_jobs_older_than_cutoff(self, adapter: JobStore) -> None:
        cutoff = BASE_TIME + timedelta(hours=1)
        for i, (finish_at, final) in enumerate(
            [(BASE_TIME, "complete"), (BASE_TIME, "failed"), (cutoff + timedelta(minutes=1), "complete")]
        ):
            await adapter.create(pending(f"job-{i}", offset_seconds=i))
            claim = await adapter.claim("w", LEASE)
            assert claim is not None
            if final == "complete":
                await adapter.finish(claim, claim.job.complete(None, finish_at))
            else:
                await adapter.finish(claim, claim.job.fail("x", finish_at))
        await adapter.create(pending("job-old-pending", created=BASE_TIME - timedelta(days=3)))
        assert await adapter.delete_finished_before(cutoff) == 2
        remaining = sorted(job.id for job in await adapter.list(JobQuery()))
        assert remaining == ["job-2", "job-old-pending"]
        assert (await adapter.stats()).total == 2

    async def test_waiter_wakes_when_a_job_is_created(self, adapter: JobStore) -> None:
        waiter = asyncio.create_task(adapter.wait_for_work(10))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await adapter.create(pending("job-a"))
        await asyncio.wait_for(waiter, 5)
        assert time.monotonic() - started < 5

    async def test_waiter_returns_after_timeout_without_work(self, adapter: JobStore) -> None:
        started = time.monotonic()
        await adapter.wait_for_work(0.2)
        assert time.monotonic() - started >= 0.15
