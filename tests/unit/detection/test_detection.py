"""The detect_* entry points and fetch_content, over the scripted model and in-memory content."""

from __future__ import annotations

import json
from typing import Any

import pytest

from semiont_jobs.adapters.memory import InMemoryContentFetcher, ScriptedInferenceClient
from semiont_jobs.application.detection import (
    ContentDecodeError,
    EntityType,
    InvalidDetectionOptionError,
    UnknownTagCategoryError,
    UnknownTagSchemaError,
    detect_assessments,
    detect_comments,
    detect_entities,
    detect_highlights,
    detect_tags,
    fetch_content,
)
from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.errors import ContentError, InferenceError, ResourceNotFoundError
from semiont_jobs.ports.inference_client import InferenceResponse, ModelLimits

WIDE = 8192
"""The reply budget under the scripted client's wide window: the cap, not the window, bounds it."""

TEXT = "Ada Lovelace wrote the first program. Charles Babbage designed the Analytical Engine."


def quoted(exact: str, *, shift: int = 0, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(exact) + shift
    return {"exact": exact, "start": start, "end": start + len(exact), **extra}


def mention(exact: str, entity_type: str) -> dict[str, Any]:
    start = TEXT.index(exact)
    return {"exact": exact, "entityType": entity_type, "startOffset": start, "endOffset": start + len(exact)}


def reply(*items: object) -> str:
    return json.dumps(list(items))


async def test_comments_use_the_reference_temperature_and_return_anchored_matches() -> None:
    client = ScriptedInferenceClient([reply(quoted("the first program", shift=4, comment="Note G."))])
    matches = await detect_comments(TEXT, client, instructions="Explain.", tone="scholarly", density=3)
    [call] = client.calls
    assert (call.temperature, call.max_tokens) == (0.4, WIDE)
    assert "Explain." in call.prompt
    assert "scholarly tone" in call.prompt
    assert [(m.exact, m.start, m.comment) for m in matches] == [("the first program", 19, "Note G.")]


async def test_highlights_sampling() -> None:
    client = ScriptedInferenceClient([reply(quoted("Analytical Engine"))])
    [match] = await detect_highlights(TEXT, client, density=2)
    assert (client.calls[0].temperature, client.calls[0].max_tokens) == (0.3, WIDE)
    assert match.exact == "Analytical Engine"


async def test_the_reply_budget_follows_the_models_limits() -> None:
    limits = ModelLimits(context_window=8192, max_output_tokens=2048)
    client = ScriptedInferenceClient([reply(quoted("Analytical Engine"))], limits=limits)
    await detect_highlights(TEXT, client)
    assert client.calls[0].max_tokens == 2048
    small = ScriptedInferenceClient(
        [reply()], limits=ModelLimits(context_window=4096, max_output_tokens=4096)
    )
    await detect_highlights(TEXT, small)
    assert 1000 < small.calls[0].max_tokens < 2048


async def test_assessments_sampling() -> None:
    assessed = quoted("Ada Lovelace wrote the first program", assessment="Debated.")
    client = ScriptedInferenceClient([reply(assessed)])
    [match] = await detect_assessments(TEXT, client, tone="critical")
    assert (client.calls[0].temperature, client.calls[0].max_tokens) == (0.3, WIDE)
    assert match.assessment == "Debated."


async def test_tags_sampling_schema_and_category() -> None:
    client = ScriptedInferenceClient([reply(quoted("Ada Lovelace wrote the first program."))])
    [match] = await detect_tags(TEXT, client, schema_id="argument-toulmin", category="Claim")
    assert (client.calls[0].temperature, client.calls[0].max_tokens) == (0.2, WIDE)
    assert (match.schema_id, match.category) == ("argument-toulmin", "Claim")
    assert '"Claim"' in client.calls[0].prompt


@pytest.mark.parametrize(
    ("schema_id", "category", "error"),
    [("legal-xyz", "Issue", UnknownTagSchemaError), ("legal-irac", "Holding", UnknownTagCategoryError)],
)
async def test_unknown_schema_or_category_fails_before_calling_the_model(
    schema_id: str, category: str, error: type[Exception]
) -> None:
    client = ScriptedInferenceClient([])
    with pytest.raises(error) as caught:
        await detect_tags(TEXT, client, schema_id=schema_id, category=category)
    assert getattr(caught.value, "retryable", None) is False
    assert client.calls == []


async def test_entities_of_every_type_are_asked_for_in_one_call() -> None:
    def answer(prompt: str) -> str:
        if "these types: Person (e.g. Grace Hopper); Machine" in prompt:
            found = [mention("Ada Lovelace", "Person"), mention("Charles Babbage", "person")]
            return f"```json\n{reply(*found, mention('Analytical Engine', 'Machine'))}\n```"
        return "[]"

    client = ScriptedInferenceClient(answer)
    matches = await detect_entities(
        TEXT, client, [{"type": "Person", "examples": ["Grace Hopper"]}, EntityType("Machine")]
    )
    assert len(client.calls) == 1
    assert all((c.temperature, c.max_tokens) == (0.3, WIDE) for c in client.calls)
    [call] = client.calls
    assert call.reply_format is not None
    item = call.reply_format.schema["properties"]["items"]["items"]
    assert item["properties"]["entityType"]["enum"] == ["Person", "Machine"]
    assert [(m.exact, m.entity_type) for m in matches] == [
        ("Ada Lovelace", "Person"),
        ("Charles Babbage", "Person"),
        ("Analytical Engine", "Machine"),
    ]


async def test_descriptive_references_are_requested_when_asked() -> None:
    client = ScriptedInferenceClient(["[]", "[]"])
    await detect_entities(TEXT, client, ["Person"], include_descriptive_references=True)
    await detect_entities(TEXT, client, ["Person"], include_descriptive_references=None)
    assert "the physicist" in client.calls[0].prompt
    assert "the physicist" not in client.calls[1].prompt


async def test_an_invalid_entity_type_fails_before_any_call() -> None:
    client = ScriptedInferenceClient([])
    with pytest.raises(InvalidDetectionOptionError):
        await detect_entities(TEXT, client, ["Person", ""])
    assert client.calls == []


async def test_a_reply_cut_off_at_max_tokens_keeps_its_whole_items_and_the_rest_is_asked_again() -> None:
    cut = reply(mention("Ada Lovelace", "Person"), mention("Charles Babbage", "Person"))[:-20]
    rest = TEXT[TEXT.index("Ada Lovelace") + len("Ada Lovelace") :]
    later = {"exact": "Charles Babbage", "entityType": "Person", "startOffset": rest.index("Charles")}
    later["endOffset"] = later["startOffset"] + len("Charles Babbage")  # type: ignore[operator]
    client = ScriptedInferenceClient([InferenceResponse(text=cut, stop_reason="max_tokens"), reply(later)])
    matches = await detect_entities(TEXT, client, ["Person"])
    assert [(m.exact, m.start) for m in matches] == [("Ada Lovelace", 0), ("Charles Babbage", 38)]
    assert len(client.calls) == 2
    assert "Ada Lovelace" not in client.calls[1].prompt and rest in client.calls[1].prompt


async def test_a_cut_reply_with_no_whole_item_gives_nothing_rather_than_an_error() -> None:
    client = ScriptedInferenceClient([InferenceResponse(text='[{"exact": "Ada', stop_reason="max_tokens")])
    assert await detect_highlights(TEXT, client) == []
    assert len(client.calls) == 1


async def test_an_unusable_reply_gives_no_matches() -> None:
    client = ScriptedInferenceClient(["I'm sorry, I can't help with that."])
    assert await detect_comments(TEXT, client) == []


async def test_an_error_retrying_cannot_help_passes_through() -> None:
    failure = InferenceError("bad key", provider="scripted", status=401, retryable=False)
    client = ScriptedInferenceClient([failure])
    with pytest.raises(InferenceError) as caught:
        await detect_highlights(TEXT, client)
    assert caught.value is failure


async def test_a_retryable_error_is_retried_and_one_that_persists_fails_the_text() -> None:
    def overloaded() -> InferenceError:
        return InferenceError("overloaded", provider="scripted", status=529, retryable=True, retry_after=0.01)

    client = ScriptedInferenceClient([overloaded(), reply(quoted("Analytical Engine"))])
    [match] = await detect_highlights(TEXT, client)
    assert match.exact == "Analytical Engine" and len(client.calls) == 2
    stubborn = ScriptedInferenceClient([overloaded(), overloaded(), overloaded()])
    with pytest.raises(InferenceError, match="overloaded") as caught:
        await detect_highlights(TEXT, stubborn)
    assert len(stubborn.calls) == 3 and caught.value.retryable is True


async def test_blank_content_needs_no_model_call() -> None:
    client = ScriptedInferenceClient([])
    assert await detect_highlights("  \n ", client) == []
    assert await detect_entities("", client, ["Person"]) == []
    assert client.calls == []


@pytest.mark.parametrize("density", [0, -1, float("nan"), float("inf"), True, "3"])
async def test_bad_density_is_rejected(density: Any) -> None:
    with pytest.raises(InvalidDetectionOptionError, match="density"):
        await detect_highlights(TEXT, ScriptedInferenceClient([]), density=density)


async def test_bad_tone_is_rejected() -> None:
    with pytest.raises(InvalidDetectionOptionError, match="tone"):
        await detect_comments(TEXT, ScriptedInferenceClient([]), tone="critical")  # type: ignore[arg-type]


async def test_blank_instructions_count_as_none() -> None:
    client = ScriptedInferenceClient(["[]"])
    await detect_highlights(TEXT, client, instructions="   ")
    assert "following these instructions" not in client.calls[0].prompt


class TestFetchContent:
    async def test_utf8_content_is_decoded(self) -> None:
        fetcher = InMemoryContentFetcher({"r1": "Zoë 🚀 naïve"})
        assert await fetch_content(fetcher, ResourceId("r1")) == "Zoë 🚀 naïve"

    async def test_undecodable_content_names_the_resource_and_the_byte(self) -> None:
        fetcher = InMemoryContentFetcher({"r2": b"caf\xe9 au lait"})
        with pytest.raises(ContentDecodeError) as caught:
            await fetch_content(fetcher, ResourceId("r2"))
        error = caught.value
        assert (error.resource_id, error.position) == ("r2", 3)
        assert "'r2'" in str(error)
        assert "byte 3" in str(error)
        assert isinstance(error, ContentError)
        assert error.retryable is False

    async def test_a_missing_resource_is_the_fetchers_error(self) -> None:
        with pytest.raises(ResourceNotFoundError):
            await fetch_content(InMemoryContentFetcher(), ResourceId("nope"))
