"""Hypothesis strategies for every job type in every state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from semiont_jobs import (
    AssessmentDetectionParams,
    AssessmentDetectionResult,
    CommentDetectionParams,
    CommentDetectionResult,
    DetectionParams,
    DetectionResult,
    GenerationParams,
    GenerationResult,
    HighlightDetectionParams,
    HighlightDetectionResult,
    Job,
    PendingJob,
    TagDetectionParams,
    TagDetectionResult,
    UserId,
)
from semiont_jobs.domain import GenerationContext, JobMetadata, JobType, SourceContext
from semiont_jobs.domain.progress import (
    AnalysisProgress,
    DetectionProgress,
    TagDetectionProgress,
    YieldProgress,
)

text = st.text(max_size=30)
ids = st.from_regex(r"[A-Za-z0-9._:-]{1,40}", fullmatch=True).filter(lambda s: s not in (".", ".."))
counts = st.integers(min_value=0, max_value=10_000)
numbers = st.one_of(
    st.integers(min_value=-1000, max_value=1000), st.floats(allow_nan=False, allow_infinity=False)
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond - d.microsecond % 1000))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), text)
json_objects = st.dictionaries(
    text, st.recursive(json_scalars, lambda c: st.lists(c, max_size=3), max_leaves=5)
)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


names = st.lists(text, max_size=4).map(tuple)

PARAMS: dict[str, st.SearchStrategy[Any]] = {
    "reference-annotation": st.builds(
        DetectionParams,
        resource_id=ids,
        entity_types=names,
        include_descriptive_references=optional(st.booleans()),
    ),
    "generation": st.builds(
        GenerationParams,
        reference_id=ids,
        source_resource_id=ids,
        source_resource_name=text,
        annotation=json_objects,
        prompt=optional(text),
        title=optional(text),
        entity_types=optional(names),
        language=optional(text),
        context=optional(
            st.builds(
                GenerationContext,
                source_context=optional(
                    st.builds(SourceContext, before=optional(text), selected=text, after=optional(text))
                ),
                metadata=optional(json_objects),
            )
        ),
        temperature=optional(numbers),
        max_tokens=optional(counts),
    ),
    "highlight-annotation": st.builds(
        HighlightDetectionParams, resource_id=ids, instructions=optional(text), density=optional(numbers)
    ),
    "assessment-annotation": st.builds(
        AssessmentDetectionParams,
        resource_id=ids,
        instructions=optional(text),
        tone=optional(st.sampled_from(["analytical", "critical", "balanced", "constructive"])),
        density=optional(numbers),
    ),
    "comment-annotation": st.builds(
        CommentDetectionParams,
        resource_id=ids,
        instructions=optional(text),
        tone=optional(st.sampled_from(["scholarly", "explanatory", "conversational", "technical"])),
        density=optional(numbers),
    ),
    "tag-annotation": st.builds(TagDetectionParams, resource_id=ids, schema_id=text, categories=names),
}

analysis = st.builds(
    AnalysisProgress,
    stage=st.sampled_from(["analyzing", "creating"]),
    percentage=numbers,
    message=optional(text),
)
PROGRESS: dict[str, st.SearchStrategy[Any]] = {
    "reference-annotation": st.builds(
        DetectionProgress,
        total_entity_types=counts,
        processed_entity_types=counts,
        current_entity_type=optional(text),
        entities_found=counts,
        entities_emitted=counts,
    ),
    "generation": st.builds(
        YieldProgress,
        stage=st.sampled_from(["fetching", "generating", "creating", "linking"]),
        percentage=numbers,
        message=optional(text),
    ),
    "highlight-annotation": analysis,
    "assessment-annotation": analysis,
    "comment-annotation": analysis,
    "tag-annotation": st.builds(
        TagDetectionProgress,
        stage=st.sampled_from(["analyzing", "creating"]),
        percentage=numbers,
        current_category=optional(text),
        processed_categories=counts,
        total_categories=counts,
        message=optional(text),
    ),
}

RESULTS: dict[str, st.SearchStrategy[Any]] = {
    "reference-annotation": st.builds(
        DetectionResult, total_found=counts, total_emitted=counts, errors=counts
    ),
    "generation": st.builds(GenerationResult, resource_id=ids, resource_name=text),
    "highlight-annotation": st.builds(
        HighlightDetectionResult, highlights_found=counts, highlights_created=counts
    ),
    "assessment-annotation": st.builds(
        AssessmentDetectionResult, assessments_found=counts, assessments_created=counts
    ),
    "comment-annotation": st.builds(CommentDetectionResult, comments_found=counts, comments_created=counts),
    "tag-annotation": st.builds(
        TagDetectionResult, tags_found=counts, tags_created=counts, by_category=st.dictionaries(text, counts)
    ),
}


@st.composite
def jobs(draw: st.DrawFn, job_type: JobType) -> Job:
    """Any job of ``job_type`` in any state."""
    max_retries = draw(st.integers(min_value=0, max_value=10))
    metadata = JobMetadata(
        id=draw(ids),
        type=job_type,
        user_id=UserId(draw(ids)),
        user_name=draw(text),
        user_email=draw(text),
        user_domain=draw(text),
        created=draw(instants),
        retry_count=draw(st.integers(min_value=0, max_value=max_retries)),
        max_retries=max_retries,
    )
    job: PendingJob[Any] = PendingJob(
        metadata=metadata,
        params=draw(PARAMS[job_type]),
        run_after=draw(optional(instants)),
        last_error=draw(optional(text)),
    )
    state = draw(st.sampled_from(["pending", "running", "complete", "failed", "cancelled"]))
    if state == "pending":
        return job
    started = job.start(draw(instants))
    if state == "running":
        progress = draw(optional(PROGRESS[job_type]))
        return started if progress is None else started.report_progress(progress)
    if state == "complete":
        return started.complete(draw(optional(RESULTS[job_type])), draw(instants))
    if state == "failed":
        return started.fail(draw(text), draw(instants))
    return (started if draw(st.booleans()) else job).cancel(draw(instants))
