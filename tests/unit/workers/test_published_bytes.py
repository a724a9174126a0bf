"""Every event the six Semiont handlers publish, byte for byte as the workers before them published it.

``tests/fixtures/published_events.jsonl`` was recorded from the event-publishing
worker classes this package had before handlers and listeners replaced them;
the same jobs must publish the same channels, scopes and payload JSON (key order included).
Two changes were made on purpose: a tag job's progress inside
``job:report-progress`` now lists ``currentCategory`` where the reference's job
files do (after ``percentage``), as the job files themselves now do; and the
reference-annotation job's events were recorded again when entity detection
became one pass over the text for all types (no more progress per type).
"""

from __future__ import annotations

import json
from pathlib import Path

from semiont_jobs import (
    AssessmentDetectionParams,
    CommentDetectionParams,
    DetectionParams,
    HighlightDetectionParams,
    ScriptedInferenceClient,
    TagDetectionParams,
)
from semiont_jobs.application.handlers import (
    AssessmentAnnotationHandler,
    CommentAnnotationHandler,
    GenerationHandler,
    HighlightAnnotationHandler,
    ReferenceAnnotationHandler,
    TagAnnotationHandler,
    semiont_worker,
)
from tests.unit.workers.generation_rig import MARKDOWN, Backend, request_ids
from tests.unit.workers.generation_rig import params as generation_params
from tests.unit.workers.rig import BACKEND, FAST, TEXT, Rig, detection_worker, ids, item, reply, rid

RECORDED = Path(__file__).parents[2] / "fixtures" / "published_events.jsonl"


def model() -> ScriptedInferenceClient:
    return ScriptedInferenceClient(
        [
            reply(
                item(TEXT, "Ada Lovelace", entityType="Person"),
                item(TEXT, "Charles Babbage", entityType="Person"),
                item(TEXT, "Analytical Engine", entityType="Machine"),
            ),
            reply(item(TEXT, "Ada Lovelace"), item(TEXT, "the Analytical Engine", prefix="wrong hint")),
            reply(item(TEXT, "Charles Babbage built", assessment="A fair claim.")),
            reply(item(TEXT, "wrote notes", comment="Her notes held the first program.")),
            reply(item(TEXT, "Ada Lovelace wrote notes.")),
            reply(item(TEXT, "Charles Babbage"), item(TEXT, "the Analytical Engine")),
            "```markdown\n" + MARKDOWN + "\n```",
        ]
    )


async def test_every_job_type_publishes_the_recorded_bytes() -> None:
    scripted = model()
    rig = Rig(scripted)
    await rig.listen()
    await rig.submit(
        "ref-1",
        "reference-annotation",
        DetectionParams(
            resource_id=rid("res-1"), entity_types=("Person", "Machine"), include_descriptive_references=True
        ),
    )
    await rig.submit("hl-1", "highlight-annotation", HighlightDetectionParams(resource_id=rid("res-1")))
    await rig.submit(
        "as-1", "assessment-annotation", AssessmentDetectionParams(resource_id=rid("res-1"), tone="critical")
    )
    await rig.submit("co-1", "comment-annotation", CommentDetectionParams(resource_id=rid("res-1")))
    for job_id, schema in (("tag-1", "legal-irac"), ("tag-bad", "no-such-schema")):
        categories = ("Issue", "Rule") if schema == "legal-irac" else ("Issue",)
        params = TagDetectionParams(resource_id=rid("res-1"), schema_id=schema, categories=categories)
        await rig.submit(job_id, "tag-annotation", params)
    await rig.submit("gen-1", "generation", generation_params(language="fr"))
    await Backend(rig).attach()
    new_id = ids()
    for handler in (
        ReferenceAnnotationHandler,
        HighlightAnnotationHandler,
        AssessmentAnnotationHandler,
        CommentAnnotationHandler,
        TagAnnotationHandler,
    ):
        await detection_worker(handler, rig, scripted, FAST, new_id=new_id).run_until_idle()
    generation = GenerationHandler(scripted, rig.bus, BACKEND, request_ids=request_ids())
    await semiont_worker(rig.queue, generation, rig.bus, BACKEND, FAST).run_until_idle()

    published = [
        json.dumps({"channel": e.channel, "scope": e.scope, "payload": e.payload}, ensure_ascii=False)
        for e in rig.recorder.events
    ]
    recorded = RECORDED.read_text(encoding="utf-8").splitlines()
    assert len(published) == len(recorded) == 85
    for index, (now, then) in enumerate(zip(published, recorded, strict=True)):
        assert now == then, f"event {index + 1} differs"
