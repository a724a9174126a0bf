"""The reply parser against anything a model might send: it never raises, it drops what it cannot use."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semiont_jobs.application.detection import (
    AnchoredMatch,
    extract_json_array,
    parse_assessments,
    parse_comments,
    parse_entities,
    parse_highlights,
    parse_tags,
)

TEXT = "Ada Lovelace wrote the first program for the Analytical Engine in 1843. 🦜 Ada 東京 שלום."

PARSERS: dict[str, Callable[[str, str], list[AnchoredMatch]]] = {
    "comments": lambda reply, text: list(parse_comments(reply, text)),
    "highlights": lambda reply, text: list(parse_highlights(reply, text)),
    "assessments": lambda reply, text: list(parse_assessments(reply, text)),
    "tags": lambda reply, text: list(parse_tags(reply, text, "legal-irac", "Issue")),
    "entities": lambda reply, text: list(parse_entities(reply, text, "Person")),
}

numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**1100), max_value=2**1100),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, 2**63, -1, 0, len(TEXT), len(TEXT) + 1]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=30),
    st.sampled_from(["Ada", "Ada Lovelace", "🦜", "東京", " ", "x" * 50_000, "Person", "Issue"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=15,
)
keys = st.sampled_from(
    [
        "exact",
        "start",
        "end",
        "startOffset",
        "endOffset",
        "comment",
        "assessment",
        "prefix",
        "suffix",
        "entityType",
    ]
)
items = st.dictionaries(keys, scalars, max_size=10)


def nested(depth: int) -> str:
    return "[" * depth + '{"exact": "Ada", "start": 0, "end": 3}' + "]" * depth


def dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


wrapped = st.one_of(
    st.builds(dump, values),
    st.builds(dump, st.lists(items, max_size=5)),
    st.builds(nested, st.sampled_from([1, 10, 900, 990, 1_000, 5_000, 100_000])),
    st.builds(
        lambda body, kind: {"fence": f"```json\n{body}\n```", "prose": f"Sure: {body} ok"}[kind],
        st.builds(dump, st.lists(items, max_size=3)),
        st.sampled_from(["fence", "prose"]),
    ),
    st.sampled_from(
        ["[NaN]", "[Infinity, -Infinity]", '[{"exact": "Ada", "start": NaN, "end": 1e999}]', "[" * 60]
    ),
    st.text(max_size=200),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wrapped, st.one_of(st.just(TEXT), st.text(max_size=60)))
def test_any_reply_gives_a_list_for_every_detection_kind(reply: str, text: str) -> None:
    assert isinstance(extract_json_array(reply), list)
    for parse in PARSERS.values():
        for match in parse(reply, text):
            assert text[match.start : match.end] == match.exact


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decoded_as_a_reply_give_a_list(raw: bytes) -> None:
    reply = raw.decode("utf-8", errors="surrogateescape")
    assert isinstance(extract_json_array(reply), list)
    for parse in PARSERS.values():
        assert isinstance(parse(reply, TEXT), list)


@pytest.mark.parametrize("kind", sorted(PARSERS))
@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_a_reply_nested_past_the_recursion_limit_is_a_bad_reply(
    kind: str, depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    assert PARSERS[kind]("[" * depth + "]" * depth, TEXT) == []
    assert "no JSON array" in caplog.text


def test_extract_json_array_of_the_issues_reply_is_empty() -> None:
    assert extract_json_array("[" * 5000 + "]" * 5000) == []
