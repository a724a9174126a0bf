"""Highlight, assessment and comment workers: the events, annotations and result of a successful job."""

from __future__ import annotations

from typing import Any

from semiont_jobs import (
    AssessmentDetectionParams,
    AssessmentDetectionResult,
    CommentDetectionParams,
    CommentDetectionResult,
    CompleteJob,
    HighlightDetectionParams,
    HighlightDetectionResult,
    ScriptedInferenceClient,
)
from semiont_jobs.application.handlers import (
    AssessmentAnnotationHandler,
    CommentAnnotationHandler,
    HighlightAnnotationHandler,
)
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


def analysis_progress(expect: Expect, stage: str, percentage: int, message: str) -> list[Any]:
    progress = {"stage": stage, "percentage": percentage, "message": message}
    return [
        expect.progress(percentage, {"progress": progress}),
        expect.scoped("mark:progress", status=stage, message=message, percentage=percentage),
    ]


async def test_highlight_job_publishes_the_reference_sequence_and_completes() -> None:
    model = ScriptedInferenceClient(
        [reply(item(TEXT, "Ada Lovelace"), item(TEXT, "the Analytical Engine", prefix="wrong hint"))]
    )
    rig = Rig(model)
    await rig.submit("hl-1", "highlight-annotation", HighlightDetectionParams(resource_id=rid("res-1")))
    await rig.listen()
    worker = detection_worker(HighlightAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    e = Expect("hl-1", "highlight-annotation", "res-1")
    first = annotation(1, "highlighting", TEXT, "Ada Lovelace", [])
    second = annotation(2, "highlighting", TEXT, "the Analytical Engine", [])
    result = {"highlightsFound": 2, "highlightsCreated": 2}
    assert rig.events() == [
        e.start(),
        *analysis_progress(e, "analyzing", 10, "Loading resource..."),
        *analysis_progress(e, "analyzing", 30, "Analyzing text..."),
        *analysis_progress(e, "creating", 60, "Creating 2 annotations..."),
        e.create(first),
        e.create(second),
        *analysis_progress(e, "creating", 100, "Complete! Created 2 highlights"),
        e.complete({"result": result}),
    ]
    job = await rig.job("hl-1")
    assert isinstance(job, CompleteJob)
    assert job.result == HighlightDetectionResult(highlights_found=2, highlights_created=2)
    assert await rig.statuses() == {"complete": 1}
    assert len(model.calls) == 1
    assert (model.calls[0].temperature, model.calls[0].max_tokens) == (0.3, 8192)


async def test_assessment_job_creates_assessing_annotations_with_a_plain_text_body() -> None:
    model = ScriptedInferenceClient(
        [reply(item(TEXT, "Charles Babbage built", assessment="  Accurate, if brief.  "))]
    )
    rig = Rig(model)
    params = AssessmentDetectionParams(resource_id=rid("res-1"), tone="critical", instructions="Be strict")
    await rig.submit("as-1", "assessment-annotation", params)
    await rig.listen()
    worker = detection_worker(AssessmentAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    e = Expect("as-1", "assessment-annotation", "res-1")
    body = {"type": "TextualBody", "value": "Accurate, if brief.", "format": "text/plain"}
    assert rig.events() == [
        e.start(),
        *analysis_progress(e, "analyzing", 10, "Loading resource..."),
        *analysis_progress(e, "analyzing", 30, "Analyzing text..."),
        *analysis_progress(e, "creating", 60, "Creating 1 annotations..."),
        e.create(annotation(1, "assessing", TEXT, "Charles Babbage built", body)),
        *analysis_progress(e, "creating", 100, "Complete! Created 1 assessments"),
        e.complete({"result": {"assessmentsFound": 1, "assessmentsCreated": 1}}),
    ]
    job = await rig.job("as-1")
    assert isinstance(job, CompleteJob)
    assert job.result == AssessmentDetectionResult(assessments_found=1, assessments_created=1)
    assert "critical" in model.prompts[0].lower()
    assert "Be strict" in model.prompts[0]


async def test_comment_job_creates_commenting_annotations_in_english() -> None:
    model = ScriptedInferenceClient(
        [reply(item(TEXT, "Analytical Engine", comment="A mechanical computer."))]
    )
    rig = Rig(model)
    await rig.submit(
        "cm-1", "comment-annotation", CommentDetectionParams(resource_id=rid("res-1"), tone="scholarly")
    )
    await rig.listen()
    worker = detection_worker(CommentAnnotationHandler, rig, model, FAST, new_id=ids())

    await worker.run_until_idle()

    e = Expect("cm-1", "comment-annotation", "res-1")
    body = [
        {
            "type": "TextualBody",
            "value": "A mechanical computer.",
            "purpose": "commenting",
            "format": "text/plain",
            "language": "en",
        }
    ]
    assert rig.events() == [
        e.start(),
        *analysis_progress(e, "analyzing", 10, "Loading resource..."),
        *analysis_progress(e, "analyzing", 30, "Analyzing text and generating comments..."),
        *analysis_progress(e, "creating", 60, "Creating 1 annotations..."),
        e.create(annotation(1, "commenting", TEXT, "Analytical Engine", body)),
        *analysis_progress(e, "creating", 100, "Complete! Created 1 comments"),
        e.complete({"result": {"commentsFound": 1, "commentsCreated": 1}}),
    ]
    job = await rig.job("cm-1")
    assert isinstance(job, CompleteJob)
    assert job.result == CommentDetectionResult(comments_found=1, comments_created=1)
    assert (model.calls[0].temperature, model.calls[0].max_tokens) == (0.4, 8192)
