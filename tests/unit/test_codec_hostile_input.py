"""The decoder against anything: any JSON shape or size in any field, any bytes.

The only error it may raise is :class:`InvalidJobError`; whatever it accepts can be
written back and read again unchanged.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semiont_jobs import InvalidJobError, Job, job_from_json, job_to_json
from semiont_jobs.codec import job_from_dict
from semiont_jobs.wire_json import MAX_NESTING

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "reference_jobs").rglob("*.json"))
VALID = [json.loads(path.read_text()) for path in FIXTURES]

huge_numbers = st.one_of(
    st.integers(min_value=2**53 - 2, max_value=2**53 + 2),
    st.integers(min_value=-(2**1100), max_value=2**1100),
    st.sampled_from([10**400, -(10**400), 2**1023, 1e308, -1e308, 5e-324, 1e21, 1e16]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_numbers,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=1),
    st.sampled_from(["", "x" * 100_000, "2026-11-28T09:17:32.000Z", "0001-01-01T00:00:00+14:00"]),
    st.sampled_from(["9999-12-31T23:59:59-14:00", "pending", "running", "generation", "../../etc"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def nested(depth: int, leaf: object, kind: str) -> object:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"k": value}
    return value


deep_values = st.builds(
    nested,
    st.sampled_from([MAX_NESTING - 3, MAX_NESTING, MAX_NESTING + 1, 900, 5_000, 100_000]),
    scalars,
    st.sampled_from(["list", "dict"]),
)


def places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``data`` a value could be put: each key and index, and a new key in each object."""
    found = [path]
    if isinstance(data, dict):
        found.append((*path, "newKey"))
        for key, value in data.items():
            found.extend(places(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(places(value, (*path, index)))
    return found


def put(data: Any, path: tuple[Any, ...], value: object) -> Any:
    if not path:
        return value
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def decodes_only_as_documented(data: object) -> Job | None:
    try:
        job = job_from_dict(data)
    except InvalidJobError as exc:
        refused: InvalidJobError | None = exc
    else:
        refused = None
    if refused is not None:
        assert refused.field and refused.reason
        assert len(str(refused)) < 1_000
        return None
    written = job_to_json(job)
    assert job_from_json(written) == job
    assert job_to_json(job_from_json(written)) == written
    return job


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), st.data(), st.one_of(json_values, deep_values))
def test_any_value_anywhere_in_a_valid_job_is_read_or_refused_with_invalid_job_error(
    valid: dict[str, Any], data: st.DataObject, value: object
) -> None:
    job = copy.deepcopy(valid)
    where = data.draw(st.sampled_from(places(job)))
    decodes_only_as_documented(put(job, where, value))


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, deep_values))
def test_any_json_value_is_read_or_refused_with_invalid_job_error(value: object) -> None:
    decodes_only_as_documented(value)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_refused_with_invalid_job_error(raw: bytes) -> None:
    with pytest.raises(InvalidJobError):
        job_from_json(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURES), st.data())
def test_any_cut_or_spliced_job_file_is_read_or_refused_with_invalid_job_error(
    path: Path, data: st.DataObject
) -> None:
    raw = path.read_bytes()
    at = data.draw(st.integers(min_value=0, max_value=len(raw)))
    insert = data.draw(st.sampled_from([b"", b"[" * 5000, b"NaN", b"1e999", b"\xff", b"9" * 5000, b"{}"]))
    spliced = raw[:at] + insert + raw[at + data.draw(st.integers(min_value=0, max_value=20)) :]
    try:
        job = job_from_json(spliced)
    except InvalidJobError:
        return
    assert job_from_json(job_to_json(job)) == job


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": [], "metadata": {}}, "status"),
        ({"status": {}, "metadata": {}}, "status"),
        ({"status": "pending", "metadata": {"type": []}}, "metadata.type"),
        ({"status": "pending", "metadata": {"type": {"a": 1}}}, "metadata.type"),
    ],
)
def test_unhashable_status_or_type_is_an_invalid_job(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidJobError) as error:
        job_from_dict(data)
    assert error.value.field == field


@pytest.mark.parametrize("where", ["", "params"])
def test_nesting_past_the_recursion_limit_is_an_invalid_job(where: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    raw = (
        deep if not where else FIXTURES[0].read_text().replace('"params": {', f'"params": {deep}, "x": {{', 1)
    )
    with pytest.raises(InvalidJobError, match="nested deeper"):
        job_from_json(raw)


def test_nesting_within_the_limit_is_read_and_past_it_names_the_place() -> None:
    generation = next(v for v in VALID if v["metadata"]["type"] == "generation")
    ok = copy.deepcopy(generation)
    ok["params"]["annotation"] = nested(MAX_NESTING - 3, 1, "dict")
    assert job_from_dict(ok).params.annotation == ok["params"]["annotation"]
    ok["params"]["annotation"] = nested(MAX_NESTING, 1, "list")
    with pytest.raises(InvalidJobError) as error:
        job_from_dict(ok)
    assert error.value.field.startswith("params.annotation[0][0]")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"status": "pending", "x": NaN}', "NaN is not a JSON number"),
        ('{"status": "pending", "x": -Infinity}', "-Infinity is not a JSON number"),
        ('{"status": "pending", "x": 1e999}', "inf is not a JSON number"),
        ('{"status": "pending", "x": ' + "9" * 5000 + "}", "not JSON"),
    ],
)
def test_numbers_javascript_cannot_read_back_are_invalid(raw: str, reason: str) -> None:
    with pytest.raises(InvalidJobError, match=reason):
        job_from_json(raw)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("metadata", "retryCount"), 2**53),
        (("metadata", "maxRetries"), -(2**60)),
        (("metadata", "created"), "0001-01-01T00:00:00+14:00"),
        (("metadata", "created"), "9999-12-31T23:59:59-14:00"),
        (("metadata", "created"), "x" * 100_000),
        (("metadata", "id"), "x" * 100_000),
        (("params",), math.nan),
    ],
)
def test_out_of_range_fields_are_invalid_with_a_short_message(path: tuple[str, ...], value: object) -> None:
    data = put(copy.deepcopy(VALID[0]), path, value)
    with pytest.raises(InvalidJobError) as error:
        job_from_dict(data)
    assert error.value.field.split(".")[0] in (path[0], "$")
    assert len(str(error.value)) < 1_000


def test_unpaired_surrogates_round_trip_escaped_as_javascript_writes_them() -> None:
    generation = copy.deepcopy(next(v for v in VALID if v["metadata"]["type"] == "generation"))
    generation["params"]["prompt"] = "half \ud800 and a pair \ud83d\ude00"
    written = job_to_json(job_from_dict(generation))
    assert b'"half \\ud800 and a pair \xf0\x9f\x98\x80"' in written
    assert job_from_json(written).params.prompt == "half \ud800 and a pair \U0001f600"
