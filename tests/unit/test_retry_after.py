"""Reading a provider's Retry-After, and the worker waiting at least that long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from semiont_jobs import (
    InferenceError,
    InMemoryJobStore,
    JobQueue,
    PendingJob,
    RetryPolicy,
    RunningJob,
    WorkerSettings,
)
from semiont_jobs.adapters.helpers.inference_calls import retry_after_seconds
from semiont_jobs.testing.jobs import pending
from tests.support.workers import RecordingWorker


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_retry_after_headers(headers: dict[str, str] | None, expected: float | None) -> None:
    assert retry_after_seconds(headers) == expected


def test_retry_after_as_an_http_date() -> None:
    later = datetime.now(UTC) + timedelta(seconds=30)
    seconds = retry_after_seconds({"retry-after": format_datetime(later, usegmt=True)})
    assert seconds is not None and 25 <= seconds <= 31


async def test_the_worker_waits_at_least_what_the_provider_asked() -> None:
    queue = JobQueue(InMemoryJobStore())

    async def rate_limited(_worker: RecordingWorker, _job: RunningJob[Any, Any]) -> Any:
        raise InferenceError("HTTP 429", provider="test", status=429, retryable=True, retry_after=5)

    await queue.create_job(pending("job-a"))
    settings = WorkerSettings(poll_interval=0.05, retry=RetryPolicy(initial_delay=0.01, jitter=0))
    before = datetime.now(UTC)
    await RecordingWorker(queue, rate_limited, settings).run_until_idle()
    waiting = await queue.get_job("job-a")
    assert isinstance(waiting, PendingJob) and waiting.run_after is not None
    assert timedelta(seconds=4.9) <= waiting.run_after - before <= timedelta(seconds=6)
