"""``--log-format json``: one JSON object per record, naming the job, its type and attempt."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from semiont_jobs import (
    InMemoryJobStore,
    JobContext,
    JobQueue,
    JobWorker,
    RetryPolicy,
    RunningJob,
    WorkerSettings,
)
from semiont_jobs.application.job_logging import JobIdFilter
from semiont_jobs.cli.log_format import JsonFormatter
from semiont_jobs.testing.jobs import pending

FAST = WorkerSettings(poll_interval=0.05, retry=RetryPolicy(initial_delay=0, jitter=0))


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(JobIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("semiont_jobs")
    saved = (root.handlers[:], root.level, root.propagate)
    root.handlers[:], root.propagate = [handler], False
    root.setLevel(logging.INFO)
    yield stream
    root.handlers[:], root.propagate = saved[0], saved[2]
    root.setLevel(saved[1])


async def test_every_line_is_an_object_naming_the_job_type_and_attempt(written: io.StringIO) -> None:
    async def handler(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        context.log.info("reading %s", "doc-1", extra={"chars": 42})
        if context.attempt == 1:
            raise RuntimeError("model overloaded")
        return None

    queue = JobQueue(InMemoryJobStore())
    await queue.create_job(pending("job-a"))
    await JobWorker(queue, {"highlight-annotation": handler}, FAST).run_until_idle()

    records = [json.loads(line) for line in written.getvalue().splitlines()]
    assert records, "nothing was logged"
    assert all(
        list(r)[:7] == ["time", "level", "logger", "job_id", "job_type", "attempt", "message"]
        for r in records
    )
    reads = [r for r in records if r["message"] == "reading doc-1"]
    assert [(r["job_id"], r["job_type"], r["attempt"], r["chars"]) for r in reads] == [
        ("job-a", "highlight-annotation", 1, 42),
        ("job-a", "highlight-annotation", 2, 42),
    ]
    (retry,) = [r for r in records if "will retry" in r["message"]]
    assert (retry["level"], retry["logger"], retry["attempt"]) == ("WARNING", "semiont_jobs.worker", 1)
    assert retry["time"].endswith("+00:00") and "T" in retry["time"]
    (created,) = [r for r in records if r["message"] == "job created"]
    assert (created["job_id"], created["attempt"]) == ("job-a", None), (
        "outside a job: what it was logged with"
    )


def test_a_traceback_is_one_field_of_the_one_line() -> None:
    record = logging.LogRecord("semiont_jobs.worker", logging.ERROR, __file__, 1, "boom", None, None)
    try:
        raise ValueError("bad")
    except ValueError:
        record.exc_info = sys.exc_info()
    JobIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    document = json.loads(line)
    assert document["job_id"] is None and "ValueError: bad" in document["exception"]
