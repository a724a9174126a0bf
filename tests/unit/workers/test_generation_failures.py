"""Generation worker failures: timeout, refusal, missing context, model errors, empty replies."""

from __future__ import annotations

from semiont_jobs import CompleteJob, FailedJob, InferenceError, ScriptedInferenceClient
from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.ports.event_bus import Event
from tests.unit.workers.generation_rig import MARKDOWN, Backend, params, worker
from tests.unit.workers.rig import Expect, Rig


async def test_no_answer_in_time_fails_the_attempt_and_is_retried_with_a_new_request() -> None:
    model = ScriptedInferenceClient([MARKDOWN, MARKDOWN])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params(), max_retries=2)
    await rig.listen()

    await worker(rig, model, creation_timeout=0.05).run_until_idle()

    job = await rig.job("gen-1")
    assert isinstance(job, FailedJob)
    assert job.metadata.retry_count == 2
    assert "requestId 'req-2'" in job.error and "within 0.05 s" in job.error
    assert [event.payload["requestId"] for event in rig.recorder.on("yield:create")] == ["req-1", "req-2"]
    assert "mark:update-body" not in rig.recorder.channels
    (fail,) = rig.recorder.on("job:fail")
    assert fail.payload["error"] == f"Resource generation failed: {job.error}"
    assert fail.payload["resourceId"] == "src-1"
    assert await rig.statuses() == {"failed": 1}


async def test_yield_create_failed_for_our_request_fails_the_attempt_with_its_reason() -> None:
    model = ScriptedInferenceClient([MARKDOWN])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params(), max_retries=1)

    async def refuse(event: Event) -> None:
        await rig.bus.publish(
            JsonMessage(
                channel="yield:create-failed", payload={"error": "someone else's", "requestId": "other"}
            )
        )
        await rig.bus.publish(
            JsonMessage(
                channel="yield:create-failed",
                payload={"error": "disk full", "requestId": event.payload["requestId"]},
            )
        )

    await rig.bus.subscribe("yield:create", refuse)

    await worker(rig, model, creation_timeout=5).run_until_idle()

    job = await rig.job("gen-1")
    assert isinstance(job, FailedJob)
    assert job.error.endswith("disk full")


async def test_a_job_without_context_fails_at_once_without_a_model_call() -> None:
    model = ScriptedInferenceClient([MARKDOWN])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params(context=None))
    await rig.listen()

    await worker(rig, model).run_until_idle()

    job = await rig.job("gen-1")
    assert isinstance(job, FailedJob)
    assert job.metadata.retry_count == 1
    assert "has no params.context" in job.error
    assert model.calls == []
    e = Expect("gen-1", "generation", "src-1")
    assert rig.events() == [e.start(), e.fail(f"Resource generation failed: {job.error}")]


async def test_a_model_error_is_retried_and_the_last_failure_publishes_one_job_fail() -> None:
    overloaded = InferenceError("overloaded", provider="scripted", status=529, retryable=True)
    model = ScriptedInferenceClient([overloaded, MARKDOWN])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params())
    await rig.submit("gen-2", "generation", params(source="src-2"), max_retries=2)
    await rig.listen()
    await Backend(rig).attach()
    model.add_replies(overloaded, overloaded)

    await worker(rig, model).run_until_idle()

    first, second = await rig.job("gen-1"), await rig.job("gen-2")
    assert isinstance(first, CompleteJob) and first.metadata.retry_count == 1
    assert isinstance(second, FailedJob) and second.metadata.retry_count == 2
    fails = rig.recorder.on("job:fail")
    assert [event.payload["jobId"] for event in fails] == ["gen-2"]
    assert [event.payload["jobId"] for event in rig.recorder.on("job:complete")] == ["gen-1"]
    assert await rig.statuses() == {"complete": 1, "failed": 1}


async def test_an_empty_reply_fails_the_attempt() -> None:
    model = ScriptedInferenceClient(["```markdown\n```"])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params(), max_retries=1)

    await worker(rig, model).run_until_idle()

    job = await rig.job("gen-1")
    assert isinstance(job, FailedJob)
    assert "no content" in job.error
