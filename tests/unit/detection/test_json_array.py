"""Finding the JSON array in a model's reply."""

from __future__ import annotations

import logging

import pytest

from semiont_jobs.application.detection import extract_json_array

ARRAY = '[{"exact": "a", "start": 0, "end": 1}]'
EXPECTED = [{"exact": "a", "start": 0, "end": 1}]


@pytest.mark.parametrize(
    "reply",
    [
        ARRAY,
        f"  \n{ARRAY}\n ",
        f"```json\n{ARRAY}\n```",
        f"```JSON\n{ARRAY}```",
        f"```\n{ARRAY}\n```",
        f"```{ARRAY}```",
        f"Here are the passages I found:\n\n```json\n{ARRAY}\n```\n\nLet me know if you need more.",
        f"Here are the passages I found: {ARRAY} I hope this helps.",
        f"Sure [see below]:\n{ARRAY}",
        f"```json\n{ARRAY}",
    ],
    ids=[
        "bare",
        "padded",
        "fenced-json",
        "fenced-upper",
        "fenced-plain",
        "fenced-inline",
        "fenced-in-prose",
        "prose-wrapped",
        "bracketed-prose-first",
        "unclosed-fence",
    ],
)
def test_the_array_is_found_however_it_is_wrapped(reply: str) -> None:
    assert extract_json_array(reply) == EXPECTED


def test_an_empty_array_is_an_empty_list() -> None:
    assert extract_json_array("[]") == []


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("I could not find any passages.", "no JSON array"),
        ('{"exact": "a", "start": 0, "end": 1}', "dict, not an array"),
        ("```json\n42\n```", "int, not an array"),
        ('[{"exact": "a", "start": 0,', "no JSON array"),
    ],
)
def test_anything_else_is_an_empty_list_and_a_warning(
    reply: str, says: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert extract_json_array(reply, task="highlights") == []
    messages = [record.getMessage() for record in caplog.records]
    assert any(says in message and "highlights" in message for message in messages)
