"""The JobStore contract's part on claim order, batched claims and unique jobs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from semiont_jobs.domain.ids import JobId
from semiont_jobs.ports.job_store import JobStore
from semiont_jobs.testing.contract import Contract
from semiont_jobs.testing.jobs import pending

LEASE = timedelta(seconds=30)


def _now() -> datetime:
    return datetime.now(UTC)


async def _claimed_ids(store: JobStore, limit: int, worker: str = "w", **filters: Any) -> list[str]:
    return [claim.job_id for claim in await store.claim_many(worker, LEASE, limit, **filters)]


class ClaimBatchesContract(Contract):
    """Claim order (priority, then age), ``claim_many`` and unique jobs; part of
    :class:`~semiont_jobs.testing.JobStoreContract`."""

    __test__ = False

    async def test_higher_priority_is_claimed_first_and_fifo_within_a_priority(
        self, adapter: JobStore
    ) -> None:
        plan = [("job-low", 0), ("job-high-1", 5), ("job-mid", 1), ("job-high-2", 5), ("job-neg", -3)]
        for offset, (job_id, priority) in enumerate(plan):
            await adapter.create(pending(job_id, offset_seconds=offset, priority=priority))
        order = []
        while (claim := await adapter.claim("w", LEASE)) is not None:
            order.append(claim.job_id)
        assert order == ["job-high-1", "job-high-2", "job-mid", "job-low", "job-neg"]

    async def test_priority_survives_the_store(self, adapter: JobStore) -> None:
        job = pending("job-p", priority=7)
        await adapter.create(job)
        assert await adapter.get(JobId("job-p")) == job

    async def test_claim_many_takes_up_to_the_limit_in_claim_order(self, adapter: JobStore) -> None:
        for i in range(7):
            await adapter.create(pending(f"job-{i}", offset_seconds=i, priority=1 if i == 5 else 0))
        first = await adapter.claim_many("w", LEASE, 3)
        assert [c.job_id for c in first] == ["job-5", "job-0", "job-1"]
        assert all(c.worker_id == "w" and c.expires_at > _now() for c in first)
        assert [await adapter.get(c.job_id) for c in first] == [c.job for c in first]
        assert await _claimed_ids(adapter, 10) == ["job-2", "job-3", "job-4", "job-6"]
        assert await adapter.claim_many("w", LEASE, 4) == []
        assert (await adapter.stats()).running == 7

    async def test_claim_many_applies_types_filters_and_run_after(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-h", job_type="highlight-annotation"))
        await adapter.create(pending("job-c", job_type="comment-annotation", offset_seconds=1))
        await adapter.create(pending("job-bob", job_type="comment-annotation", offset_seconds=2, user="bob"))
        later = _now() + timedelta(hours=1)
        await adapter.create(pending("job-later", job_type="comment-annotation", run_after=later))
        picked = await _claimed_ids(
            adapter, 5, types=["comment-annotation"], accept=lambda job: job.user_id != "bob"
        )
        assert picked == ["job-c"]
        assert await _claimed_ids(adapter, 5) == ["job-h", "job-bob"]

    async def test_claim_many_claims_held_each_on_their_own(self, adapter: JobStore) -> None:
        for i in range(3):
            await adapter.create(pending(f"job-{i}", offset_seconds=i))
        claims = await adapter.claim_many("w", LEASE, 3)
        await adapter.finish(claims[1], claims[1].job.complete(None, _now()))
        renewed = await adapter.renew(claims[0], LEASE)
        assert renewed.job_id == "job-0"
        assert (await adapter.stats()).complete == 1
        assert (await adapter.stats()).running == 2

    async def test_concurrent_batch_claimers_each_job_claimed_once(self, adapter: JobStore) -> None:
        for i in range(60):
            await adapter.create(pending(f"job-{i:03d}", offset_seconds=i))

        async def drain(worker: str) -> list[str]:
            taken: list[str] = []
            while batch := await _claimed_ids(adapter, 4, worker):
                taken.extend(batch)
            return taken

        results = await asyncio.gather(*(drain(f"w{n}") for n in range(6)))
        claimed = [job_id for result in results for job_id in result]
        assert sorted(claimed) == [f"job-{i:03d}" for i in range(60)]

    async def test_claim_many_rejects_a_limit_below_one(self, adapter: JobStore) -> None:
        with pytest.raises(ValueError, match="limit"):
            await adapter.claim_many("w", LEASE, 0)

    async def test_unique_job_is_created_once_while_pending_or_running(self, adapter: JobStore) -> None:
        assert await adapter.create(pending("job-u1", unique_key="k")) == "job-u1"
        assert await adapter.create(pending("job-u2", unique_key="k", offset_seconds=1)) == "job-u1"
        assert await adapter.get(JobId("job-u2")) is None
        assert await adapter.create(pending("job-other", unique_key="other")) == "job-other"
        assert await adapter.create(pending("job-plain")) == "job-plain"
        claim = await adapter.claim("w", LEASE, accept=lambda job: job.id == "job-u1")
        assert claim is not None
        assert await adapter.create(pending("job-u3", unique_key="k", offset_seconds=2)) == "job-u1"
        await adapter.finish(claim, claim.job.complete(None, _now()))
        assert await adapter.create(pending("job-u4", unique_key="k", offset_seconds=3)) == "job-u4"
        assert (await adapter.stats()).pending == 3

    async def test_a_cancelled_unique_job_frees_its_key(self, adapter: JobStore) -> None:
        job = pending("job-u1", unique_key="k")
        await adapter.create(job)
        await adapter.update(job.cancel(_now()), expected_status="pending")
        assert await adapter.create(pending("job-u2", unique_key="k", offset_seconds=1)) == "job-u2"

    async def test_a_retried_unique_job_keeps_its_key(self, adapter: JobStore) -> None:
        await adapter.create(pending("job-u1", unique_key="k"))
        claim = await adapter.claim("w", LEASE)
        assert claim is not None
        await adapter.finish(claim, claim.job.retry("flaky"))
        assert await adapter.create(pending("job-u2", unique_key="k", offset_seconds=1)) == "job-u1"

    async def test_concurrent_unique_creates_make_one_job(self, adapter: JobStore) -> None:
        ids = await asyncio.gather(
            *(adapter.create(pending(f"job-u{n}", unique_key="k", offset_seconds=n)) for n in range(8))
        )
        assert len(set(ids)) == 1
        assert (await adapter.stats()).pending == 1

    async def test_a_unique_job_requeued_by_hand_does_not_clash_with_the_holder(
        self, adapter: JobStore
    ) -> None:
        job = pending("job-u1", unique_key="k")
        await adapter.create(job)
        cancelled = job.cancel(_now())
        await adapter.update(cancelled, expected_status="pending")
        assert await adapter.create(pending("job-u2", unique_key="k", offset_seconds=1)) == "job-u2"
        await adapter.update(cancelled.requeue(), expected_status="cancelled")
        assert (await adapter.stats()).pending == 2
        assert await adapter.create(pending("job-u3", unique_key="k", offset_seconds=2)) == "job-u2"
