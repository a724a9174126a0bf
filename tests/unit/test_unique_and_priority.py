"""Unique jobs and priorities through the queue, the wire format and the command."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from semiont_jobs import (
    CommentDetectionParams,
    HighlightDetectionParams,
    InMemoryEventBus,
    InMemoryJobStore,
    JobQueue,
    JobUser,
    ResourceId,
    UserId,
    job_from_json,
    job_to_json,
)
from semiont_jobs.cli.app import cli
from semiont_jobs.domain import unique_key_of
from semiont_jobs.testing.jobs import pending
from semiont_jobs.testing.recorder import Recorder

USER = JobUser(user_id=UserId("u1"), user_name="Ada", user_email="a@x", user_domain="x")
DOC = ResourceId("doc-7")


def test_unique_key_differs_in_type_resource_and_params_only() -> None:
    key = unique_key_of("highlight-annotation", HighlightDetectionParams(resource_id=DOC))
    assert key == unique_key_of("highlight-annotation", HighlightDetectionParams(resource_id=DOC))
    assert key.startswith("highlight-annotation:doc-7:")
    others = {
        unique_key_of("highlight-annotation", HighlightDetectionParams(resource_id=ResourceId("doc-8"))),
        unique_key_of("highlight-annotation", HighlightDetectionParams(resource_id=DOC, density=2.0)),
        unique_key_of("comment-annotation", CommentDetectionParams(resource_id=DOC)),
    }
    assert key not in others and len(others) == 3


async def test_a_second_unique_enqueue_returns_the_first_job_and_announces_nothing() -> None:
    bus = InMemoryEventBus()
    queue = JobQueue(InMemoryJobStore(), bus)
    queued = Recorder()
    await bus.scope(DOC).subscribe("job:queued", queued)
    first = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER, unique=True)
    second = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER, unique=True)
    plain = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER)
    assert second == first
    assert plain.id != first.id and plain.metadata.unique_key is None
    assert len(queued.events) == 2
    assert (await queue.get_stats()).pending == 2


async def test_enqueue_priority_orders_claims() -> None:
    queue = JobQueue(InMemoryJobStore())
    low = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER)
    high = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER, priority=3)
    claims = await queue.claim_batch("w", 5, lease=timedelta(seconds=30))
    assert [c.job_id for c in claims] == [high.id, low.id]


def test_priority_and_unique_key_are_written_in_metadata_only_when_set() -> None:
    plain = pending("job-a")
    assert b"priority" not in job_to_json(plain) and b"uniqueKey" not in job_to_json(plain)
    marked = pending("job-b", priority=-2, unique_key="k1")
    data = json.loads(job_to_json(marked))
    assert data["metadata"]["priority"] == -2 and data["metadata"]["uniqueKey"] == "k1"
    assert job_from_json(job_to_json(marked)) == marked


def test_priority_must_be_an_integer() -> None:
    with pytest.raises(Exception, match="priority must be an integer"):
        pending("job-a", priority=1.5)  # type: ignore[arg-type]


def test_enqueue_command_unique_prints_the_same_id_twice(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path), "enqueue", "highlight-annotation"]
    first = runner.invoke(cli, [*args, "--resource", "doc-7", "--unique", "--priority", "4"])
    second = runner.invoke(cli, [*args, "--resource", "doc-7", "--unique"])
    other = runner.invoke(cli, [*args, "--resource", "doc-8", "--unique"])
    assert first.exit_code == 0, first.output
    assert second.output == first.output
    assert other.output != first.output
    shown = runner.invoke(cli, ["--data-dir", str(tmp_path), "show", first.output.strip()])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["metadata"]["priority"] == 4


@pytest.mark.parametrize("finish", ["fail", "cancel"])
async def test_a_finished_unique_job_retried_by_hand_is_no_longer_unique(finish: str) -> None:
    queue = JobQueue(InMemoryJobStore())
    first = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER, unique=True, max_retries=1)
    if finish == "cancel":
        assert await queue.cancel_job(first.id)
    else:
        claim = await queue.claim_next("w", lease=timedelta(seconds=30))
        assert claim is not None
        await queue.finish(claim, claim.job.record_failure("boom", claim.job.started_at))
    second = await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER, unique=True)
    assert second.id != first.id
    assert await queue.retry_job(first.id)
    retried = await queue.get_job(first.id)
    assert retried is not None and retried.status == "pending" and retried.metadata.unique_key is None
    assert await queue.enqueue(HighlightDetectionParams(resource_id=DOC), USER, unique=True) == second
