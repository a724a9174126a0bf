"""What every detection worker does alike: retries, failure, empty replies, missing resources, concurrency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest

from semiont_jobs import (
    AssessmentDetectionParams,
    AssessmentDetectionResult,
    CommentDetectionParams,
    CommentDetectionResult,
    CompleteJob,
    DetectionParams,
    DetectionResult,
    FailedJob,
    HighlightDetectionParams,
    HighlightDetectionResult,
    InferenceError,
    ResourceId,
    ScriptedInferenceClient,
    TagDetectionParams,
    TagDetectionResult,
    WorkerSettings,
)
from semiont_jobs.application.handlers import (
    AssessmentAnnotationHandler,
    CommentAnnotationHandler,
    HighlightAnnotationHandler,
    ReferenceAnnotationHandler,
    TagAnnotationHandler,
)
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.domain import JobType
from tests.unit.workers.rig import (
    FAST,
    OTHER_TEXT,
    TEXT,
    TWO_AT_ONCE,
    DetectionHandlerClass,
    Expect,
    Rig,
    detection_worker,
    first_words,
    ids,
    resource_of,
    slow_responder,
    universal_reply,
)


@attrs.frozen
class Case:
    handler: DetectionHandlerClass
    job_type: JobType
    params: Callable[[ResourceId], Any]
    calls: int
    """Model calls per attempt."""
    subject: str
    result: Callable[[int], Any]
    """The result when every call finds one passage."""


CASES = [
    Case(
        HighlightAnnotationHandler,
        "highlight-annotation",
        lambda r: HighlightDetectionParams(resource_id=r),
        1,
        "Highlight detection",
        lambda n: HighlightDetectionResult(highlights_found=n, highlights_created=n),
    ),
    Case(
        AssessmentAnnotationHandler,
        "assessment-annotation",
        lambda r: AssessmentDetectionParams(resource_id=r, tone="balanced"),
        1,
        "Assessment detection",
        lambda n: AssessmentDetectionResult(assessments_found=n, assessments_created=n),
    ),
    Case(
        CommentAnnotationHandler,
        "comment-annotation",
        lambda r: CommentDetectionParams(resource_id=r),
        1,
        "Comment detection",
        lambda n: CommentDetectionResult(comments_found=n, comments_created=n),
    ),
    Case(
        TagAnnotationHandler,
        "tag-annotation",
        lambda r: TagDetectionParams(
            resource_id=r, schema_id="scientific-imrad", categories=("Methods", "Results")
        ),
        2,
        "Tag detection",
        lambda n: TagDetectionResult(
            tags_found=n, tags_created=n, by_category={"Methods": n // 2, "Results": n // 2}
        ),
    ),
    Case(
        ReferenceAnnotationHandler,
        "reference-annotation",
        lambda r: DetectionParams(resource_id=r, entity_types=("Person", "Place")),
        1,
        "Entity detection",
        lambda n: DetectionResult(total_found=n, total_emitted=n, errors=0),
    ),
]


@pytest.fixture(params=CASES, ids=lambda case: case.job_type)
def case(request: pytest.FixtureRequest) -> Case:
    value: Case = request.param
    return value


def build(case: Case, rig: Rig, model: ScriptedInferenceClient, settings: WorkerSettings = FAST) -> JobWorker:
    return detection_worker(case.handler, rig, model, settings, new_id=ids())


def overloaded() -> InferenceError:
    return InferenceError("overloaded", provider="scripted", status=529, retryable=True)


def failing_first_call(error: Exception) -> ScriptedInferenceClient:
    calls = 0

    def respond(prompt: str) -> str | Exception:
        nonlocal calls
        calls += 1
        return error if calls == 1 else universal_reply(resource_of(prompt))

    return ScriptedInferenceClient(respond)


async def test_a_retryable_model_error_is_retried_and_only_the_last_attempt_completes(case: Case) -> None:
    rig = Rig()
    model = failing_first_call(overloaded())
    await rig.submit("job-1", case.job_type, case.params(ResourceId("res-1")))
    await rig.listen()

    await build(case, rig, model).run_until_idle()

    channels = rig.recorder.channels
    assert channels.count("job:start") == 2
    second_start = channels.index("job:start", 1)
    assert not {"job:complete", "job:fail", "mark:create"} & set(channels[:second_start])
    assert channels.count("job:complete") == 1 and "job:fail" not in channels
    job = await rig.job("job-1")
    assert isinstance(job, CompleteJob)
    assert job.metadata.retry_count == 1
    assert job.result == case.result(case.calls)
    assert len(model.calls) == 1 + case.calls
    assert await rig.statuses() == {"complete": 1}


async def test_after_the_last_retry_exactly_one_job_fail_is_published(case: Case) -> None:
    rig = Rig()
    model = ScriptedInferenceClient(lambda _prompt: overloaded())
    await rig.submit("job-1", case.job_type, case.params(ResourceId("res-1")), max_retries=3)
    await rig.listen()

    await build(case, rig, model).run_until_idle()

    job = await rig.job("job-1")
    assert isinstance(job, FailedJob)
    assert job.metadata.retry_count == 3
    assert job.error == "scripted: overloaded"
    e = Expect("job-1", case.job_type, "res-1")
    assert rig.recorder.channels.count("job:start") == 3
    assert [event for event in rig.events() if event[0] in ("job:fail", "job:complete")] == [
        e.fail(f"{case.subject} failed: scripted: overloaded")
    ]
    assert "mark:create" not in rig.recorder.channels
    assert len(model.calls) == 3
    assert await rig.statuses() == {"failed": 1}


async def test_a_permanent_model_error_fails_the_job_at_once(case: Case) -> None:
    rig = Rig()
    model = ScriptedInferenceClient([InferenceError("invalid API key", provider="scripted", status=401)])
    await rig.submit("job-1", case.job_type, case.params(ResourceId("res-1")))
    await rig.listen()

    await build(case, rig, model).run_until_idle()

    job = await rig.job("job-1")
    assert isinstance(job, FailedJob)
    assert job.metadata.retry_count == 1
    assert rig.recorder.channels.count("job:start") == 1
    assert rig.recorder.channels.count("job:fail") == 1
    assert await rig.statuses() == {"failed": 1}


@pytest.mark.parametrize("unusable", ["[]", "I could not find anything worth marking.", '{"exact": "Ada"}'])
async def test_a_reply_with_no_usable_matches_completes_with_zero(case: Case, unusable: str) -> None:
    rig = Rig()
    model = ScriptedInferenceClient(lambda _prompt: unusable)
    await rig.submit("job-1", case.job_type, case.params(ResourceId("res-1")))
    await rig.listen()

    await build(case, rig, model).run_until_idle()

    job = await rig.job("job-1")
    assert isinstance(job, CompleteJob)
    assert job.result == case.result(0)
    assert "mark:create" not in rig.recorder.channels
    assert rig.recorder.channels.count("job:complete") == 1
    assert len(model.calls) == case.calls
    assert await rig.statuses() == {"complete": 1}


async def test_a_resource_that_cannot_be_fetched_fails_the_job_naming_it(case: Case) -> None:
    rig = Rig()
    model = ScriptedInferenceClient(lambda prompt: universal_reply(TEXT))
    await rig.submit("job-1", case.job_type, case.params(ResourceId("res-missing")))
    await rig.listen()

    await build(case, rig, model).run_until_idle()

    job = await rig.job("job-1")
    assert isinstance(job, FailedJob)
    assert "'res-missing'" in job.error
    assert model.calls == []
    fails = rig.recorder.on("job:fail")
    assert len(fails) == 1
    assert "'res-missing'" in fails[0].payload["error"]
    assert fails[0].payload["resourceId"] == "res-missing"
    assert await rig.statuses() == {"failed": 1}


def _without_ids(events: list[tuple[str, str | None, dict[str, Any]]]) -> list[Any]:
    """Events with annotation ids blanked (they are drawn from one counter in a shared run)."""
    out = []
    for channel, scope, payload in events:
        if channel == "mark:create":
            payload = {**payload, "annotation": {**payload["annotation"], "id": "<id>"}}
        out.append((channel, scope, payload))
    return out


async def _solo(case: Case, job_id: str, resource: str) -> list[Any]:
    rig = Rig()
    model = ScriptedInferenceClient(lambda prompt: universal_reply(resource_of(prompt)))
    await rig.submit(job_id, case.job_type, case.params(ResourceId(resource)))
    await rig.listen()
    await build(case, rig, model).run_until_idle()
    return _without_ids(rig.events())


async def test_two_jobs_run_at_once_on_one_worker_without_crossing_events(case: Case) -> None:
    rig = Rig()
    model, most_in_flight = slow_responder(lambda prompt: universal_reply(resource_of(prompt)))
    await rig.submit("job-a", case.job_type, case.params(ResourceId("res-1")))
    await rig.submit("job-b", case.job_type, case.params(ResourceId("res-2")))
    await rig.listen()

    await build(case, rig, model, TWO_AT_ONCE).run_until_idle()

    assert most_in_flight() == 2
    assert _without_ids(rig.events("res-1")) == await _solo(case, "job-a", "res-1")
    assert _without_ids(rig.events("res-2")) == await _solo(case, "job-b", "res-2")
    assert len(rig.events()) == len(rig.events("res-1")) + len(rig.events("res-2"))
    quoted = {(a["target"]["source"], a["target"]["selector"][1]["exact"]) for a in rig.annotations()}
    assert quoted == {
        ("https://kb.example.org/resources/res-1", first_words(TEXT)),
        ("https://kb.example.org/resources/res-2", first_words(OTHER_TEXT)),
    }
    for job_id in ("job-a", "job-b"):
        job = await rig.job(job_id)
        assert isinstance(job, CompleteJob)
        assert job.result == case.result(case.calls)
    assert await rig.statuses() == {"complete": 2}
