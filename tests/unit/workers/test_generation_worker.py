"""Generation worker: prompt, yield:create answered for this request only, linking, concurrency."""

from __future__ import annotations

import pytest

from semiont_jobs import CompleteJob, GenerationResult, ResourceId, ScriptedInferenceClient
from semiont_jobs.domain import GenerationContext, SourceContext
from tests.unit.workers.generation_rig import MARKDOWN, REFERENCE, Backend, gen_progress, params, worker
from tests.unit.workers.rig import TWO_AT_ONCE, Expect, Rig, slow_responder


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
