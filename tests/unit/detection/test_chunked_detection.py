"""Detection over texts longer than one call: chunks, splits, cut and looping replies, failed chunks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import pytest

from semiont_jobs.adapters.memory import ScriptedInferenceClient
from semiont_jobs.application.detection import (
    AnchoredMatch,
    DetectionSettings,
    DetectionStats,
    TooManyFailedChunksError,
    detect_assessments,
    detect_comments,
    detect_entities,
    detect_highlights,
    detect_tags,
)
from semiont_jobs.ports.errors import ContextLengthExceededError, InferenceError
from semiont_jobs.ports.inference_client import InferenceResponse, ModelLimits

SMALL = ModelLimits(context_window=4096, max_output_tokens=1024)
SETTINGS = DetectionSettings(chunk_tokens=600, overlap_tokens=80, chunk_retries=0)
SHOWN = re.compile(r">>>\n(.*)\n<<<END>>>", re.DOTALL)
FILLER = "The committee met again and discussed the budget for the coming year at some length. "


def shown(prompt: str) -> str:
    """The text a prompt shows the model."""
    match = SHOWN.search(prompt)
    assert match is not None
    return match.group(1)


def document(planted: list[str], size: int) -> str:
    """``size`` characters of filler with ``planted`` sentences spread through it."""
    parts: list[str] = []
    every = max(1, size // (len(FILLER) * (len(planted) + 1)))
    for index in range(size // len(FILLER)):
        parts.append(FILLER)
        if index % every == every - 1 and planted:
            parts.append(planted.pop(0) + " ")
        if index % 7 == 6:
            parts.append("\n\n")
    return "".join(parts) + " ".join(planted)


def finder(quotes: list[str], **extra: str) -> Callable[[str], str]:
    """A model that answers with every quote it is shown, at offsets in what it was shown."""

    def answer(prompt: str) -> str:
        text = shown(prompt)
        items = []
        for quote in quotes:
            for match in re.finditer(re.escape(quote), text):
                items.append({"exact": quote, "start": match.start(), "end": match.end(), **extra})
        return json.dumps({"items": items})

    return answer


def planted_sentences(count: int) -> list[str]:
    return [f"Finding number {n} was that the river rose by {n} metres." for n in range(count)]


async def test_a_long_text_is_covered_chunk_by_chunk_with_offsets_in_the_whole_text() -> None:
    quotes = planted_sentences(40)
    text = document(list(quotes), 60_000)
    client = ScriptedInferenceClient(finder(quotes), limits=SMALL)
    stats = DetectionStats()
    done: list[tuple[int, int]] = []

    async def on_chunk(finished: int, total: int) -> None:
        done.append((finished, total))

    matches = await detect_highlights(text, client, settings=SETTINGS, on_chunk=on_chunk, stats=stats)

    assert [match.exact for match in matches] == quotes
    assert all(text[match.start : match.end] == match.exact for match in matches)
    assert stats.chunks == len(client.calls) > 10
    assert done == [(n, stats.chunks) for n in range(1, stats.chunks + 1)]
    assert all(
        match.prefix == text[max(0, match.start - len(match.prefix)) : match.start] for match in matches
    )


async def test_a_passage_across_a_cut_is_found_once_with_its_offsets() -> None:
    quotes = planted_sentences(1)
    filler = FILLER * 30
    text = filler + quotes[0] + " " + filler
    seen_whole: list[int] = []

    def answer(prompt: str) -> str:
        shown_text = shown(prompt)
        if quotes[0] in shown_text:
            seen_whole.append(1)
        # a model shown half of the sentence quotes the half it saw
        tail = quotes[0][:25]
        found = finder(quotes)(prompt) if quotes[0] in shown_text else None
        if found is not None:
            return found
        if shown_text.rstrip().endswith(tail):
            start = len(shown_text.rstrip()) - len(tail)
            return json.dumps([{"exact": tail, "start": start, "end": start + len(tail)}])
        return "[]"

    client = ScriptedInferenceClient(answer, limits=SMALL)
    settings = DetectionSettings(chunk_tokens=len(filler) // 3 + 10, overlap_tokens=40, chunk_retries=0)
    matches = await detect_highlights(text, client, settings=settings)
    assert [(match.exact, match.start) for match in matches] == [(quotes[0], len(filler))]
    assert seen_whole


async def test_a_prompt_the_window_refuses_is_split_and_asked_again() -> None:
    quotes = planted_sentences(6)
    text = document(list(quotes), 3_000)
    answer = finder(quotes)

    def refusing(prompt: str) -> str | Exception:
        if len(shown(prompt)) > 1_000:
            return ContextLengthExceededError("prompt too long", provider="scripted", status=400)
        return answer(prompt)

    client = ScriptedInferenceClient(refusing, limits=SMALL)
    stats = DetectionStats()
    matches = await detect_highlights(text, client, settings=SETTINGS, stats=stats)
    assert [match.exact for match in matches] == quotes
    assert stats.split_prompts >= 1 and stats.failed_chunks == 0


async def test_a_cut_reply_keeps_its_items_and_the_rest_of_the_chunk_is_asked_for() -> None:
    quotes = planted_sentences(4)
    text = " ".join(quotes)
    answer = finder(quotes, comment="Worth noting.")

    def cut_after_two(prompt: str) -> InferenceResponse:
        reply = json.loads(answer(prompt))
        items = reply["items"]
        if len(items) > 2:
            cut = '{"items": ' + json.dumps(items[:2])[:-1] + ', {"exact": "Find'
            return InferenceResponse(text=cut, stop_reason="max_tokens")
        return InferenceResponse(text=json.dumps(reply), stop_reason="end_turn")

    client = ScriptedInferenceClient(cut_after_two, limits=SMALL)
    stats = DetectionStats()
    matches = await detect_comments(text, client, settings=SETTINGS, stats=stats)
    assert [match.exact for match in matches] == quotes
    assert len(client.calls) == 2 and stats.truncated_replies == 1
    assert quotes[0] not in shown(client.prompts[1])


async def test_a_looping_reply_is_cut_short_and_its_repeats_dropped() -> None:
    text = "Ada Lovelace wrote notes. Charles Babbage built engines."
    one = {"exact": "Ada Lovelace", "startOffset": 0, "endOffset": 12, "entityType": "Person"}
    other = {"exact": "Charles Babbage", "startOffset": 26, "endOffset": 41, "entityType": "Person"}
    looping = json.dumps([one, one, one, one, one, other])
    client = ScriptedInferenceClient([looping], limits=SMALL)
    matches = await detect_entities(text, client, ["Person"], settings=SETTINGS)
    assert [match.exact for match in matches] == ["Ada Lovelace"]


async def test_failed_chunks_are_counted_and_too_many_fail_the_text() -> None:
    quotes = planted_sentences(20)
    text = document(list(quotes), 20_000)
    answer = finder(quotes)
    calls = 0

    def every_fourth_fails(prompt: str) -> str | Exception:
        nonlocal calls
        calls += 1
        if calls % 4 == 0:
            return InferenceError("overloaded", provider="scripted", status=529, retryable=True)
        return answer(prompt)

    stats = DetectionStats()
    client = ScriptedInferenceClient(every_fourth_fails, limits=SMALL)
    matches = await detect_tags(
        text, client, schema_id="legal-irac", category="Issue", settings=SETTINGS, stats=stats
    )
    assert 0 < stats.failed_chunks <= stats.chunks // 4
    assert 0 < len(matches) < len(quotes)

    def mostly_failing(prompt: str) -> str | Exception:
        return InferenceError("overloaded", provider="scripted", status=529, retryable=True)

    with pytest.raises(TooManyFailedChunksError, match=r"chunks failed \(more than 25% may\)") as caught:
        await detect_tags(
            text,
            ScriptedInferenceClient(mostly_failing, limits=SMALL),
            schema_id="legal-irac",
            category="Issue",
            settings=SETTINGS,
        )
    assert caught.value.retryable is True and caught.value.failed == caught.value.total


async def test_an_error_no_retry_can_help_stops_the_whole_text_at_once() -> None:
    text = document(planted_sentences(10), 20_000)
    client = ScriptedInferenceClient(
        lambda _prompt: InferenceError("invalid API key", provider="scripted", status=401), limits=SMALL
    )
    with pytest.raises(InferenceError, match="invalid API key"):
        await detect_highlights(text, client, settings=SETTINGS)


async def test_an_item_repeating_the_prompts_placeholder_is_dropped() -> None:
    text = "Ada Lovelace wrote notes."
    copied = [
        {"exact": "Ada Lovelace", "start": 0, "end": 12, "comment": "<your comment>"},
        {"exact": "wrote notes", "start": 13, "end": 24, "comment": "She wrote Note G."},
    ]
    client = ScriptedInferenceClient([json.dumps(copied)], limits=SMALL)
    matches = await detect_comments(text, client, settings=SETTINGS)
    assert [(match.exact, match.comment) for match in matches] == [("wrote notes", "She wrote Note G.")]


@pytest.mark.slow
async def test_every_kind_covers_a_text_of_a_megabyte() -> None:
    quotes = planted_sentences(60)
    text = document(list(quotes), 1_000_000)
    assert len(text) > 990_000
    limits = ModelLimits(context_window=8192, max_output_tokens=2048)
    settings = DetectionSettings(chunk_retries=0)
    kinds: list[Coroutine[Any, Any, Sequence[AnchoredMatch]]] = [
        detect_highlights(text, ScriptedInferenceClient(finder(quotes), limits=limits), settings=settings),
        detect_comments(
            text, ScriptedInferenceClient(finder(quotes, comment="A note."), limits=limits), settings=settings
        ),
        detect_tags(
            text,
            ScriptedInferenceClient(finder(quotes), limits=limits),
            schema_id="scientific-imrad",
            category="Results",
            settings=settings,
        ),
    ]
    for kind in kinds:
        matches = await kind
        assert [match.exact for match in matches] == quotes
        assert all(text[match.start : match.end] == match.exact for match in matches)


def _bounds(schema: object) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    if isinstance(schema, dict):
        for key in ("maxLength", "maxItems"):
            if key in schema:
                found.append((key, schema[key]))
        for value in schema.values():
            found.extend(_bounds(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_bounds(value))
    return found


@pytest.mark.parametrize("kind", ["highlights", "comments", "assessments", "tags", "entities"])
async def test_every_reply_schema_is_bounded_within_what_llama_cpp_can_compile(kind: str) -> None:
    wide = ModelLimits(context_window=200_000, max_output_tokens=64_000)
    client = ScriptedInferenceClient(["[]"], limits=wide)
    text = "Ada Lovelace wrote notes on the engine."
    calls: dict[str, Callable[[], Coroutine[Any, Any, Sequence[AnchoredMatch]]]] = {
        "highlights": lambda: detect_highlights(text, client),
        "comments": lambda: detect_comments(text, client),
        "assessments": lambda: detect_assessments(text, client),
        "tags": lambda: detect_tags(text, client, schema_id="legal-irac", category="Issue"),
        "entities": lambda: detect_entities(text, client, ["Person", "Place"]),
    }
    await calls[kind]()
    [call] = client.calls
    assert call.reply_format is not None
    bounds = dict(_bounds(call.reply_format.schema))
    lengths = [value for key, value in _bounds(call.reply_format.schema) if key == "maxLength"]
    assert lengths and max(lengths) <= 1000
    assert 0 < bounds["maxItems"] <= 150
