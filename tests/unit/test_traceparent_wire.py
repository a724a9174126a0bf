"""The ``traceparent`` key of ours: optional, written last, round-tripping, kept by claims and retries."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from semiont_jobs import (
    FilesystemJobStore,
    InMemoryJobStore,
    InvalidJobError,
    PendingJob,
    RunningJob,
    job_to_json,
)
from semiont_jobs.codec import job_from_dict, job_to_dict
from semiont_jobs.ports import JobStore
from semiont_jobs.testing.jobs import pending

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def traced(job_id: str = "job-1") -> PendingJob[object]:
    return attrs.evolve(pending(job_id), traceparent=TRACEPARENT)


def test_a_pending_job_writes_it_last_and_reads_it_back() -> None:
    data = job_to_dict(traced())
    assert list(data)[-1] == "traceparent" and data["traceparent"] == TRACEPARENT
    assert job_from_dict(data) == traced()
    assert json.loads(job_to_json(traced()))["traceparent"] == TRACEPARENT


def test_a_job_without_one_has_no_such_key() -> None:
    assert "traceparent" not in job_to_dict(pending())
    assert "traceparent" not in job_to_dict(pending().start(NOW))
    assert job_from_dict(job_to_dict(pending())).traceparent is None  # type: ignore[union-attr]


def test_a_running_job_keeps_it_last_with_or_without_progress() -> None:
    running = traced().start(NOW)
    assert running.traceparent == TRACEPARENT
    assert list(job_to_dict(running))[-2:] == ["progress", "traceparent"]
    assert job_from_dict(job_to_dict(running)) == running


def test_it_stays_with_the_job_through_retries_and_hand_backs_not_after() -> None:
    running = traced().start(NOW)
    retried = running.retry("model overloaded")
    assert retried.traceparent == TRACEPARENT and retried.start(NOW).traceparent == TRACEPARENT
    assert running.release().traceparent == TRACEPARENT
    assert "traceparent" not in job_to_dict(running.complete(None, NOW))
    assert "traceparent" not in job_to_dict(running.fail("boom", NOW))


def test_a_traceparent_that_is_no_string_is_an_invalid_job_naming_it() -> None:
    data = job_to_dict(traced())
    data["traceparent"] = 42
    with pytest.raises(InvalidJobError) as error:
        job_from_dict(data)
    assert "traceparent" in str(error.value)


@pytest.fixture(params=["memory", "filesystem"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[JobStore]:
    chosen: JobStore = InMemoryJobStore()
    if request.param == "filesystem":
        chosen = FilesystemJobStore(tmp_path / "data", watch=False)
    await chosen.open()
    yield chosen
    await chosen.close()


async def test_the_stores_keep_it_through_a_claim_and_a_retry(store: JobStore) -> None:
    await store.create(traced())
    claim = await store.claim("worker-1", timedelta(seconds=30))
    assert claim is not None and claim.job.traceparent == TRACEPARENT
    await store.finish(claim, claim.job.retry("model overloaded"))
    again = await store.claim("worker-2", timedelta(seconds=30))
    assert again is not None and isinstance(again.job, RunningJob)
    assert again.job.traceparent == TRACEPARENT
