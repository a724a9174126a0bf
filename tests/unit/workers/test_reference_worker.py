"""Reference handler: every entity type in one pass over the text, progress as it goes, errors counted."""

from __future__ import annotations

from typing import Any

from semiont_jobs import (
    CompleteJob,
    DetectionParams,
    DetectionResult,
    FailedJob,
    ScriptedInferenceClient,
)
from semiont_jobs.application.handlers import ReferenceAnnotationHandler
from semiont_jobs.domain.events import EventMessage
from semiont_jobs.ports.errors import EventBusError
from tests.unit.workers.rig import (
    FAST,
    TEXT,
    Expect,
    Rig,
    annotation,
    detection_worker,
    ids,
    item,
    reply,
    rid,
)


def ref_progress(
    e: Expect, pct: int, status: str, message: str, processed: int, found: int, current: str | None
) -> list[Any]:
    steps: dict[str, Any] = {"processedSteps": processed, "totalSteps": 2, "foundCount": found}
    scoped: dict[str, Any] = {"status": status, "message": message, "percentage": pct}
    if current is not None:
        steps = {"currentStep": current, **steps}
        scoped["currentEntityType"] = current
    return [e.progress(pct, steps), e.scoped("mark:progress", **scoped)]


def tagging(entity_type: str) -> list[dict[str, Any]]:
    return [{"type": "TextualBody", "value": entity_type, "purpose": "tagging"}]


async def test_reference_job_asks_for_every_entity_type_in_one_pass() -> None:
    model = ScriptedInferenceClient(
        [
            reply(
                item(TEXT, "Ada Lovelace", entityType="Person"),
                item(TEXT, "Charles Babbage", entityType="person"),
                item(TEXT, "Analytical Engine", entityType="Machine"),
                item(TEXT, "notes", entityType="Document"),
            ),
        ]
    )
    rig = Rig(model)
    params = DetectionParams(
        resource_id=rid("res-1"), entity_types=("Person", "Machine"), include_descriptive_references=True
    )
    await rig.submit("ref-1", "reference-annotation", params)
    await rig.listen()
    worker = detection_worker(ReferenceAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    e = Expect("ref-1", "reference-annotation", "res-1")
    assert rig.events() == [
        e.start(),
        *ref_progress(e, 0, "started", "Starting detection...", 0, 0, None),
        *ref_progress(e, 100, "scanning", "Processing Machine", 2, 3, "Machine"),
        e.create(annotation(1, "linking", TEXT, "Ada Lovelace", tagging("Person"))),
        e.create(annotation(2, "linking", TEXT, "Charles Babbage", tagging("Person"))),
        e.create(annotation(3, "linking", TEXT, "Analytical Engine", tagging("Machine"))),
        *ref_progress(e, 100, "scanning", "Processing Machine", 2, 3, "Machine"),
        e.complete({"result": {"totalFound": 3, "totalEmitted": 3, "errors": 0}}),
    ]
    job = await rig.job("ref-1")
    assert isinstance(job, CompleteJob)
    assert job.result == DetectionResult(total_found=3, total_emitted=3, errors=0)
    [call] = model.calls
    assert "of these types: Person; Machine." in call.prompt
    assert "descriptive phrases" in call.prompt
    assert (call.temperature, call.max_tokens) == (0.3, 8192)


async def test_annotations_that_cannot_be_published_are_counted_as_errors() -> None:
    model = ScriptedInferenceClient(
        [
            reply(
                item(TEXT, "Ada Lovelace", entityType="Person"),
                item(TEXT, "Charles Babbage", entityType="Person"),
            )
        ]
    )
    rig = Rig(model)

    class RejectingBus:
        """Refuses the first mark:create, passes everything else on."""

        def __init__(self) -> None:
            self.refused = 0

        async def publish(self, message: EventMessage) -> None:
            if message.channel == "mark:create" and not self.refused:
                self.refused += 1
                raise EventBusError("bus full")
            await rig.bus.publish(message)

        async def subscribe(self, channel: str | None, handler: Any, *, every_scope: bool = False) -> Any:
            return await rig.bus.subscribe(channel, handler, every_scope=every_scope)

        def scope(self, resource_id: Any) -> Any:
            return rig.bus.scope(resource_id)

        async def close(self) -> None:
            await rig.bus.close()

    await rig.submit(
        "ref-2",
        "reference-annotation",
        DetectionParams(resource_id=rid("res-1"), entity_types=("Person", "Place")),
    )
    await rig.listen()
    worker = detection_worker(ReferenceAnnotationHandler, rig, model, FAST, new_id=ids(), bus=RejectingBus())

    await worker.run_until_idle()

    job = await rig.job("ref-2")
    assert isinstance(job, CompleteJob)
    assert job.result == DetectionResult(total_found=2, total_emitted=1, errors=1)
    assert [a["target"]["selector"][1]["exact"] for a in rig.annotations()] == ["Charles Babbage"]


async def test_an_invalid_entity_type_fails_before_any_model_call() -> None:
    model = ScriptedInferenceClient([reply()])
    rig = Rig(model)
    await rig.submit(
        "ref-3",
        "reference-annotation",
        DetectionParams(resource_id=rid("res-1"), entity_types=("Person", "  ")),
    )
    worker = detection_worker(ReferenceAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    job = await rig.job("ref-3")
    assert isinstance(job, FailedJob)
    assert "entity type" in job.error
    assert model.calls == []
