"""Tag worker: schema and categories checked first, one model call per category, byCategory."""

from __future__ import annotations

from typing import Any

from semiont_jobs import (
    CompleteJob,
    FailedJob,
    ScriptedInferenceClient,
    TagDetectionParams,
    TagDetectionResult,
)
from semiont_jobs.application.handlers import TagAnnotationHandler
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


def tag_progress(
    e: Expect, stage: str, pct: int, processed: int, message: str, category: str | None = None
) -> list[Any]:
    progress: dict[str, Any] = {"stage": stage, "percentage": pct}
    scoped: dict[str, Any] = {"status": stage, "message": message, "percentage": pct}
    if category is not None:
        progress["currentCategory"] = category
        scoped["currentCategory"] = category
    progress |= {"processedCategories": processed, "totalCategories": 2, "message": message}
    scoped |= {"processedCategories": processed, "totalCategories": 2}
    return [e.progress(pct, {"progress": progress}), e.scoped("mark:progress", **scoped)]


def tag_body(category: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "TextualBody",
            "value": category,
            "purpose": "tagging",
            "format": "text/plain",
            "language": "en",
        },
        {"type": "TextualBody", "value": "legal-irac", "purpose": "classifying", "format": "text/plain"},
    ]


async def test_tag_job_asks_once_per_category_and_counts_by_category() -> None:
    model = ScriptedInferenceClient(
        [
            reply(item(TEXT, "Ada Lovelace wrote notes.")),
            reply(item(TEXT, "Charles Babbage"), item(TEXT, "the Analytical Engine")),
        ]
    )
    rig = Rig(model)
    params = TagDetectionParams(
        resource_id=rid("res-1"), schema_id="legal-irac", categories=("Issue", "Rule")
    )
    await rig.submit("tag-1", "tag-annotation", params)
    await rig.listen()
    worker = detection_worker(TagAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    e = Expect("tag-1", "tag-annotation", "res-1")
    assert rig.events() == [
        e.start(),
        *tag_progress(e, "analyzing", 10, 0, "Loading resource..."),
        *tag_progress(e, "analyzing", 10, 0, "Analyzing Issue...", "Issue"),
        *tag_progress(e, "analyzing", 35, 1, "Analyzing Rule...", "Rule"),
        *tag_progress(e, "creating", 60, 2, "Creating 3 tag annotations..."),
        e.create(annotation(1, "tagging", TEXT, "Ada Lovelace wrote notes.", tag_body("Issue"))),
        e.create(annotation(2, "tagging", TEXT, "Charles Babbage", tag_body("Rule"))),
        e.create(annotation(3, "tagging", TEXT, "the Analytical Engine", tag_body("Rule"))),
        *tag_progress(e, "creating", 100, 2, "Complete! Created 3 tags"),
        e.complete({"result": {"tagsFound": 3, "tagsCreated": 3, "byCategory": {"Issue": 1, "Rule": 2}}}),
    ]
    job = await rig.job("tag-1")
    assert isinstance(job, CompleteJob)
    assert job.result == TagDetectionResult(tags_found=3, tags_created=3, by_category={"Issue": 1, "Rule": 2})
    assert len(model.calls) == 2
    assert '"Issue"' in model.prompts[0]
    assert '"Rule"' in model.prompts[1]
    assert all((call.temperature, call.max_tokens) == (0.2, 8192) for call in model.calls)


async def test_unknown_category_fails_at_once_without_a_model_call() -> None:
    model = ScriptedInferenceClient([reply()])
    rig = Rig(model)
    params = TagDetectionParams(
        resource_id=rid("res-1"), schema_id="legal-irac", categories=("Issue", "Hypothesis")
    )
    await rig.submit("tag-2", "tag-annotation", params)
    await rig.listen()
    worker = detection_worker(TagAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    job = await rig.job("tag-2")
    assert isinstance(job, FailedJob)
    assert job.metadata.retry_count == 1
    assert "'Hypothesis'" in job.error
    assert "Issue, Rule, Application, Conclusion" in job.error
    assert model.calls == []
    e = Expect("tag-2", "tag-annotation", "res-1")
    assert rig.events() == [e.start(), e.fail(f"Tag detection failed: {job.error}")]


async def test_unknown_schema_fails_at_once_naming_the_valid_schemas() -> None:
    model = ScriptedInferenceClient([reply()])
    rig = Rig(model)
    params = TagDetectionParams(resource_id=rid("res-1"), schema_id="legal-crac", categories=("Issue",))
    await rig.submit("tag-3", "tag-annotation", params)
    worker = detection_worker(TagAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    job = await rig.job("tag-3")
    assert isinstance(job, FailedJob)
    assert "'legal-crac'" in job.error
    assert "scientific-imrad" in job.error
    assert model.calls == []
