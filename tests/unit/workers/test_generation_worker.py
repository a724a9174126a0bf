"""Generation worker: prompt, yield:create answered for this request only, linking, failures."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from semiont_jobs import (
    AnnotationId,
    CompleteJob,
    FailedJob,
    GenerationContext,
    GenerationParams,
    GenerationResult,
    InferenceError,
    ResourceId,
    ScriptedInferenceClient,
    SourceContext,
    WorkerSettings,
)
from semiont_jobs.application.workers import GenerationWorker
from semiont_jobs.ports.event_bus import Event
from tests.unit.workers.rig import BACKEND, FAST, TWO_AT_ONCE, Expect, Rig, slow_responder

REFERENCE = "https://kb.example.org/annotations/ref-ann-1"
ANNOTATION = {
    "id": REFERENCE,
    "motivation": "linking",
    "target": {
        "source": "https://kb.example.org/resources/src-1",
        "selector": [
            {"type": "TextPositionSelector", "start": 0, "end": 12},
            {"type": "TextQuoteSelector", "exact": "Ada Lovelace"},
        ],
    },
    "body": [{"type": "TextualBody", "value": "Person", "purpose": "tagging"}],
}
CONTEXT = GenerationContext(
    source_context=SourceContext(before="In 1843 ", selected="Ada Lovelace", after=" published her notes")
)
MARKDOWN = "# Ada Lovelace\n\nAda Lovelace wrote the first published program."


def params(source: str = "src-1", **overrides: Any) -> GenerationParams:
    fields: dict[str, Any] = {
        "reference_id": AnnotationId(REFERENCE),
        "source_resource_id": ResourceId(source),
        "source_resource_name": "Computing pioneers",
        "annotation": ANNOTATION,
        "context": CONTEXT,
    }
    return GenerationParams(**(fields | overrides))


def request_ids() -> Any:
    counter = iter(range(1, 1000))
    return lambda: f"req-{next(counter)}"


class Backend:
    """Answers each yield:create, after ``delay``, with a resource named after the request."""

    def __init__(self, rig: Rig, *, delay: float = 0.0, foreign_first: bool = False) -> None:
        self.rig = rig
        self.delay = delay
        self.foreign_first = foreign_first
        self.requests: list[dict[str, Any]] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def attach(self) -> None:
        await self.rig.bus.subscribe("yield:create", self.on_create)

    async def on_create(self, event: Event) -> None:
        self.requests.append(event.payload)
        if self.foreign_first:
            await self.rig.bus.publish(
                "yield:created", {"resourceId": "res-foreign", "requestId": "someone-else"}
            )
            await self.rig.bus.publish("yield:created", {"resourceId": "res-no-request-id"})
        task = asyncio.create_task(self.answer(event.payload))
        self.tasks.add(task)

    async def answer(self, request: dict[str, Any]) -> None:
        await asyncio.sleep(self.delay)
        await self.rig.bus.publish(
            "yield:created", {"resourceId": f"new-{request['requestId']}", "requestId": request["requestId"]}
        )


def worker(
    rig: Rig, model: ScriptedInferenceClient, settings: WorkerSettings = FAST, **kw: Any
) -> GenerationWorker:
    return GenerationWorker(rig.queue, rig.bus, model, BACKEND, settings, request_ids=request_ids(), **kw)


def gen_progress(e: Expect, stage: str, pct: int, message: str) -> list[Any]:
    return [
        e.progress(pct, {"currentStep": stage, "message": message}),
        e.scoped(
            "yield:progress",
            status=stage,
            referenceId=REFERENCE,
            sourceResourceId="src-1",
            percentage=pct,
            message=message,
        ),
    ]


async def test_generation_creates_the_resource_links_the_reference_and_completes() -> None:
    model = ScriptedInferenceClient([f"```markdown\n{MARKDOWN}\n```"])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params(language="en"))
    await rig.listen()
    await Backend(rig).attach()

    await worker(rig, model).run_until_idle()

    e = Expect("gen-1", "generation", "src-1")
    request = {
        "requestId": "req-1",
        "name": "Ada Lovelace",
        "content": MARKDOWN,
        "format": "text/markdown",
        "userId": "user-1",
        "entityTypes": ["Person"],
        "language": "en",
        "creationMethod": "generated",
        "isDraft": True,
        "generatedFrom": REFERENCE,
    }
    link = {
        "annotationId": "ref-ann-1",
        "userId": "user-1",
        "resourceId": "src-1",
        "operations": [
            {
                "op": "add",
                "item": {
                    "type": "SpecificResource",
                    "source": "https://kb.example.org/resources/new-req-1",
                    "purpose": "linking",
                },
            }
        ],
    }
    assert rig.events() == [
        e.start(),
        *gen_progress(e, "fetching", 20, "Fetching source resource..."),
        *gen_progress(e, "generating", 40, "Creating content with AI..."),
        *gen_progress(e, "generating", 70, "Content ready, creating resource..."),
        *gen_progress(e, "creating", 85, "Saving resource..."),
        ("yield:create", None, request),
        ("yield:created", None, {"resourceId": "new-req-1", "requestId": "req-1"}),
        *gen_progress(e, "linking", 95, "Linking reference..."),
        ("mark:update-body", None, link),
        *gen_progress(e, "linking", 100, "Complete!"),
        e.complete(
            {"resultResourceId": "new-req-1", "annotationUri": "https://kb.example.org/annotations/ref-ann-1"}
        ),
    ]
    job = await rig.job("gen-1")
    assert isinstance(job, CompleteJob)
    assert job.result == GenerationResult(resource_id=ResourceId("new-req-1"), resource_name="Ada Lovelace")
    assert await rig.statuses() == {"complete": 1}
    (call,) = model.calls
    assert (call.temperature, call.max_tokens) == (0.7, 500)
    assert '"Ada Lovelace"' in call.prompt
    assert "In 1843 [[Ada Lovelace]] published her notes" in call.prompt
    assert "Person" in call.prompt
    assert "Write the entire resource" not in call.prompt


async def test_the_jobs_title_prompt_entity_types_and_sampling_are_used() -> None:
    model = ScriptedInferenceClient([MARKDOWN])
    rig = Rig(model)
    job_params = params(
        title="The Countess",
        prompt="Stress her work on the Engine.",
        entity_types=("Person", "Mathematician"),
        temperature=0.2,
        max_tokens=900,
    )
    await rig.submit("gen-1", "generation", job_params)
    backend = Backend(rig)
    await backend.attach()

    await worker(rig, model).run_until_idle()

    (call,) = model.calls
    assert (call.temperature, call.max_tokens) == (0.2, 900)
    assert '"The Countess"' in call.prompt
    assert "Stress her work on the Engine." in call.prompt
    assert "Person, Mathematician" in call.prompt
    assert backend.requests[0]["name"] == "The Countess"
    assert backend.requests[0]["entityTypes"] == ["Person", "Mathematician"]
    assert "language" not in backend.requests[0]


@pytest.mark.parametrize(
    ("locale", "instruction"),
    [("fr", "in French."), ("de-CH", "in German (Switzerland)."), ("pt-BR", "in Portuguese (Brazil).")],
)
async def test_a_non_english_language_asks_for_the_whole_resource_in_it(
    locale: str, instruction: str
) -> None:
    model = ScriptedInferenceClient([MARKDOWN])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params(language=locale))
    backend = Backend(rig)
    await backend.attach()

    await worker(rig, model).run_until_idle()

    assert f"Write the entire resource, heading included, {instruction}" in model.prompts[0]
    assert backend.requests[0]["language"] == locale


async def test_a_foreign_yield_created_is_ignored() -> None:
    model = ScriptedInferenceClient([MARKDOWN])
    rig = Rig(model)
    await rig.submit("gen-1", "generation", params())
    await rig.listen()
    await Backend(rig, delay=0.02, foreign_first=True).attach()

    await worker(rig, model).run_until_idle()

    created = [event.payload["resourceId"] for event in rig.recorder.on("yield:created")]
    assert created == ["res-foreign", "res-no-request-id", "new-req-1"]
    job = await rig.job("gen-1")
    assert isinstance(job, CompleteJob)
    assert job.result == GenerationResult(resource_id=ResourceId("new-req-1"), resource_name="Ada Lovelace")
    (update,) = rig.recorder.on("mark:update-body")
    assert update.payload["operations"][0]["item"]["source"] == "https://kb.example.org/resources/new-req-1"


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
        await rig.bus.publish("yield:create-failed", {"error": "someone else's", "requestId": "other"})
        await rig.bus.publish(
            "yield:create-failed", {"error": "disk full", "requestId": event.payload["requestId"]}
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


async def test_two_generation_jobs_at_once_each_link_their_own_resource() -> None:
    model, most_in_flight = slow_responder(
        lambda prompt: "# Grace Hopper\n\nShe wrote a compiler." if "Grace" in prompt else MARKDOWN
    )
    rig = Rig(model)
    await rig.submit("gen-a", "generation", params(title="Ada Lovelace"))
    hopper = SourceContext(selected="Grace Hopper")
    await rig.submit(
        "gen-b",
        "generation",
        params(source="src-2", title="Grace Hopper", context=GenerationContext(source_context=hopper)),
    )
    await rig.listen()
    backend = Backend(rig, delay=0.03)
    await backend.attach()

    await worker(rig, model, TWO_AT_ONCE).run_until_idle()

    assert most_in_flight() == 2
    by_name = {request["name"]: request["requestId"] for request in backend.requests}
    for job_id, name, source in (("gen-a", "Ada Lovelace", "src-1"), ("gen-b", "Grace Hopper", "src-2")):
        job = await rig.job(job_id)
        assert isinstance(job, CompleteJob)
        assert job.result == GenerationResult(
            resource_id=ResourceId(f"new-{by_name[name]}"), resource_name=name
        )
        updates = [
            e.payload for e in rig.recorder.on("mark:update-body") if e.payload["resourceId"] == source
        ]
        assert [u["operations"][0]["item"]["source"] for u in updates] == [
            f"https://kb.example.org/resources/new-{by_name[name]}"
        ]
        progress = [e for e in rig.recorder.on("yield:progress") if e.scope == source]
        assert [e.payload["sourceResourceId"] for e in progress] == [source] * 6
    assert await rig.statuses() == {"complete": 2}
