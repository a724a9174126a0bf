"""The wire codec: exactly the reference's JSON, lossless, with clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semiont_jobs import (
    CompleteJob,
    FailedJob,
    InvalidJobError,
    Job,
    RunningJob,
    job_from_json,
    job_to_json,
)
from semiont_jobs.codec import job_from_dict, job_to_dict
from semiont_jobs.domain import JOB_TYPES, JobType
from tests.support.strategies import jobs

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reference_jobs"
REFERENCE_FILES = sorted(FIXTURES.rglob("*.json"))
"""Job files as the reference writes them; generated/ holds one of each type in each state."""


def reference(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


@pytest.mark.parametrize("path", REFERENCE_FILES, ids=lambda p: p.stem)
def test_reference_files_round_trip_unchanged(path: Path) -> None:
    data = json.loads(path.read_text())
    assert job_to_dict(job_from_dict(data)) == data
    assert json.loads(job_to_json(job_from_json(path.read_bytes()))) == data


@pytest.mark.parametrize("path", REFERENCE_FILES, ids=lambda p: p.stem)
def test_reference_files_are_rewritten_byte_for_byte(path: Path) -> None:
    raw = path.read_bytes()
    assert job_to_json(job_from_json(raw)) == raw


def test_generated_reference_files_cover_every_type_in_every_state() -> None:
    written = {(data["metadata"]["type"], data["status"]) for data in map(json.loads, _generated())}
    assert written == {
        (t, s) for t in JOB_TYPES for s in ("pending", "running", "complete", "failed", "cancelled")
    }


def _generated() -> list[bytes]:
    return [path.read_bytes() for path in sorted((FIXTURES / "generated").glob("*.json"))]


def test_a_changed_value_is_the_only_difference_in_a_rewritten_reference_file() -> None:
    raw = (FIXTURES / "generated" / "tag-annotation-running.json").read_bytes()
    job = job_from_json(raw)
    assert isinstance(job, RunningJob) and job.progress is not None
    moved = job.report_progress(attrs.evolve(job.progress, percentage=60, current_category="Issue"))
    before, after = raw.decode().splitlines(), job_to_json(moved).decode().splitlines()
    assert len(before) == len(after)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [
        ('    "percentage": 35,', '    "percentage": 60,'),
        ('    "currentCategory": "Rule",', '    "currentCategory": "Issue",'),
    ]


def test_reference_files_cover_every_status() -> None:
    statuses = {json.loads(p.read_text())["status"] for p in REFERENCE_FILES}
    assert statuses == {"pending", "running", "complete", "failed", "cancelled"}


def test_reading_gives_typed_fields() -> None:
    job = job_from_dict(reference("running-generation.json"))
    assert isinstance(job, RunningJob)
    assert job.params.context.source_context.selected == "Analytical Engine"
    assert job.progress is not None and job.progress.stage == "generating"
    assert job.metadata.retry_count == 1
    assert job.started_at.isoformat() == "2026-11-28T09:18:00+00:00"


def test_empty_progress_and_result_mean_none() -> None:
    running = job_from_dict(reference("running-highlight-no-progress.json"))
    assert isinstance(running, RunningJob) and running.progress is None
    done = job_from_dict(reference("complete-highlight-empty-result.json"))
    assert isinstance(done, CompleteJob) and done.result is None


def test_absent_optionals_are_omitted_not_null() -> None:
    data = job_to_dict(job_from_dict(reference("failed-comment-annotation.json")))
    assert "startedAt" not in data and "instructions" not in data["params"]
    assert None not in _all_values(data)


def _all_values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _all_values(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _all_values(v)]
    return [value]


def test_times_are_written_like_javascript_to_iso_string() -> None:
    job = job_from_dict(reference("complete-tag-annotation.json"))
    assert job_to_dict(job)["completedAt"] == "2026-11-28T09:19:01.999Z"
    with_offset = reference("complete-tag-annotation.json")
    with_offset["completedAt"] = "2026-11-28T10:19:01.999+01:00"
    assert job_to_dict(job_from_dict(with_offset))["completedAt"] == "2026-11-28T09:19:01.999Z"


def test_unknown_keys_are_ignored() -> None:
    data = reference("failed-comment-annotation.json")
    data["futureField"] = {"x": 1}
    data["metadata"]["priority"] = 5
    job = job_from_dict(data)
    assert isinstance(job, FailedJob) and job.error == "Inference failed: 529 overloaded"


def test_our_extra_keys_are_camel_case_and_optional() -> None:
    data = reference("pending-reference-annotation.json")
    data["runAfter"] = "2026-11-28T09:20:00.000Z"
    data["lastError"] = "boom"
    assert job_to_dict(job_from_dict(data)) == data


def _broken(name: str, path: list[str], value: Any) -> dict[str, Any]:
    data = reference(name)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_broken("pending-reference-annotation.json", ["status"], "done"), "status"),
        (_broken("pending-reference-annotation.json", ["metadata", "type"], "ocr"), "metadata.type"),
        (_broken("pending-reference-annotation.json", ["metadata"], KeyError), "metadata"),
        (_broken("pending-reference-annotation.json", ["metadata", "userId"], KeyError), "metadata.userId"),
        (
            _broken("pending-reference-annotation.json", ["metadata", "retryCount"], "0"),
            "metadata.retryCount",
        ),
        (
            _broken("pending-reference-annotation.json", ["metadata", "retryCount"], 1.5),
            "metadata.retryCount",
        ),
        (
            _broken("pending-reference-annotation.json", ["metadata", "created"], "yesterday"),
            "metadata.created",
        ),
        (
            _broken("pending-reference-annotation.json", ["params", "entityTypes"], "Person"),
            "params.entityTypes",
        ),
        (
            _broken("pending-reference-annotation.json", ["params", "resourceId"], KeyError),
            "params.resourceId",
        ),
        (_broken("running-generation.json", ["progress", "stage"], "dreaming"), "progress.stage"),
        (_broken("complete-tag-annotation.json", ["result", "byCategory"], []), "result.byCategory"),
        (_broken("failed-comment-annotation.json", ["error"], KeyError), "error"),
        (_broken("cancelled-assessment-annotation.json", ["params", "tone"], "angry"), "params.tone"),
    ],
)
def test_malformed_data_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidJobError) as error:
        job_from_dict(data)
    assert error.value.field == field
    assert field in str(error.value)


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b"\xff\xfe", b'"job"'])
def test_garbage_files_are_invalid_jobs(raw: bytes) -> None:
    with pytest.raises(InvalidJobError):
        job_from_json(raw)


def test_path_traversal_id_in_a_file_is_rejected() -> None:
    with pytest.raises(InvalidJobError, match="invalid job id"):
        job_from_dict(_broken("pending-reference-annotation.json", ["metadata", "id"], "../../x"))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(JOB_TYPES).flatmap(jobs))
def test_round_trip_is_lossless_for_every_type_and_state(job: Job) -> None:
    data = job_to_dict(job)
    assert job_from_dict(data) == job
    assert json.loads(job_to_json(job)) == data
    assert job_from_json(job_to_json(job)) == job


@pytest.mark.parametrize("job_type", JOB_TYPES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_type_round_trips(job_type: JobType, data: st.DataObject) -> None:
    job = data.draw(jobs(job_type))
    assert job_from_dict(job_to_dict(job)) == job
