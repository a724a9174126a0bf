"""How each adapter asks for a reply's JSON shape, and what it does when a server refuses the way it asked."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from semiont_jobs.adapters.anthropic import AnthropicInferenceClient
from semiont_jobs.adapters.openai import OpenAIInferenceClient
from semiont_jobs.ports.errors import InferenceError
from semiont_jobs.ports.inference_client import ReplyFormat
from semiont_jobs.testing import FakeProviderServer, Reply, start_fake_anthropic, start_fake_openai
from semiont_jobs.testing.http_model_calls import FORMAT, ITEMS, PROMPT, SCHEMA

KEY = "sk-structured-test"
MODEL = "test-model-3"
LLAMA_CPP_PYTHON_REFUSAL = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"llama_cpp/server/app.py\", line 376, "
    "in create_chat_completion\n    POST /v1/chat/completions"
)
"""What llama-cpp-python's server 0.3.36 answered, with HTTP 500 and type internal_server_error, to a
response_format of type json_schema (seen running it with SmolLM2-135M-Instruct)."""
OPENAI_STRICT_REFUSAL = (
    "Invalid schema for response_format 'places': In context=('properties', 'items', 'items', "
    "'properties', 'exact'), 'maxLength' is not permitted."
)


@pytest.fixture
def openai_server() -> Iterator[FakeProviderServer]:
    with start_fake_openai(KEY) as server:
        yield server


@pytest.fixture
def anthropic_server() -> Iterator[FakeProviderServer]:
    with start_fake_anthropic(KEY) as server:
        yield server


@pytest.fixture
async def clients() -> AsyncIterator[list[Any]]:
    made: list[Any] = []
    yield made
    for client in made:
        await client.aclose()


def openai_client(server: FakeProviderServer, made: list[Any], **settings: Any) -> OpenAIInferenceClient:
    client = OpenAIInferenceClient(model=MODEL, api_key=KEY, base_url=server.base_url, **settings)
    made.append(client)
    return client


def anthropic_client(
    server: FakeProviderServer, made: list[Any], **settings: Any
) -> AnthropicInferenceClient:
    client = AnthropicInferenceClient(model=MODEL, api_key=KEY, base_url=server.base_url, **settings)
    made.append(client)
    return client


def forms(server: FakeProviderServer) -> list[str | None]:
    asked = [server.wire.requested_format(request.body) for request in server.requests]
    return [format.form if format else None for format in asked]


async def test_a_local_server_gets_a_schema_without_strict(
    openai_server: FakeProviderServer, clients: list[Any]
) -> None:
    openai_server.queue(Reply((ITEMS,)))

    reply = await openai_client(openai_server, clients).generate_text_with_metadata(
        PROMPT, 100, 0.0, reply_format=FORMAT
    )

    body = openai_server.requests[0].body
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "places", "schema": SCHEMA},
    }
    assert reply.structured is True


async def test_llama_cpp_python_is_asked_with_json_object_and_a_schema(
    openai_server: FakeProviderServer, clients: list[Any]
) -> None:
    openai_server.refuse("response_format.json_schema", status=500, message=LLAMA_CPP_PYTHON_REFUSAL)
    openai_server.queue(Reply((ITEMS,)), Reply((ITEMS,)))
    client = openai_client(openai_server, clients)

    first = await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=FORMAT)
    second = await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=FORMAT)

    assert forms(openai_server) == ["json_schema", "json_object", "json_object"]
    assert openai_server.requests[1].body["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert (first.structured, second.structured, json.loads(second.text)) == (True, True, json.loads(ITEMS))


async def test_a_refused_strict_schema_is_sent_without_strict(
    openai_server: FakeProviderServer, clients: list[Any]
) -> None:
    openai_server.refuse("response_format.json_schema.strict", message=OPENAI_STRICT_REFUSAL)
    openai_server.queue(Reply((ITEMS,)))
    client = openai_client(openai_server, clients, strict_schema=True)

    reply = await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=FORMAT)

    assert forms(openai_server) == ["json_schema (strict)", "json_schema"]
    assert (reply.text, reply.structured) == (ITEMS, False), "without strict OpenAI is not held to the schema"


async def test_tools_asks_an_openai_server_for_a_forced_function_call(
    openai_server: FakeProviderServer, clients: list[Any]
) -> None:
    openai_server.queue(Reply((ITEMS,)))
    client = openai_client(openai_server, clients, structured_output="tools")

    reply = await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=FORMAT)

    body = openai_server.requests[0].body
    assert body["tool_choice"] == {"type": "function", "function": {"name": "places"}}
    assert body["tools"][0]["function"]["parameters"] == SCHEMA and "response_format" not in body
    assert (reply.text, reply.structured, reply.stop_reason) == (ITEMS, True, "end_turn")


async def test_a_refusal_that_names_no_format_field_is_raised(
    openai_server: FakeProviderServer, clients: list[Any]
) -> None:
    openai_server.refuse("max_tokens", message="max_tokens is too large for this model")
    client = openai_client(openai_server, clients)

    with pytest.raises(InferenceError) as raised:
        await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=FORMAT)

    assert (raised.value.status, len(openai_server.requests)) == (400, 1)


async def test_anthropic_is_asked_for_a_forced_tool_call_by_default(
    anthropic_server: FakeProviderServer, clients: list[Any]
) -> None:
    anthropic_server.queue(Reply((ITEMS,), stop="max_tokens"))

    reply = await anthropic_client(anthropic_server, clients).generate_text_with_metadata(
        PROMPT, 100, 0.0, reply_format=FORMAT
    )

    body = anthropic_server.requests[0].body
    assert body["tools"] == [{"name": "places", "description": "Answer with places.", "input_schema": SCHEMA}]
    assert body["tool_choice"] == {"type": "tool", "name": "places", "disable_parallel_tool_use": True}
    assert "temperature" not in body
    assert (json.loads(reply.text), reply.structured, reply.stop_reason) == (
        json.loads(ITEMS),
        True,
        "max_tokens",
    )


async def test_anthropic_structured_outputs_fall_back_to_a_tool_call(
    anthropic_server: FakeProviderServer, clients: list[Any]
) -> None:
    anthropic_server.refuse("output_config", message="output_config.format: not supported by this model")
    anthropic_server.queue(Reply((ITEMS,)), Reply((ITEMS,)))
    client = anthropic_client(anthropic_server, clients, structured_output="json_schema")
    asked = ReplyFormat(name="places list", schema=SCHEMA)

    first = await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=asked)
    second = await client.generate_text_with_metadata(PROMPT, 100, 0.0, reply_format=asked)

    assert forms(anthropic_server) == ["output_config json_schema", "tool", "tool"]
    sent = anthropic_server.requests[0].body["output_config"]["format"]["schema"]
    assert (
        "maxItems" not in sent["properties"]["items"]
        and "maxItems: 20" in sent["properties"]["items"]["description"]
    )
    assert anthropic_server.requests[1].body["tool_choice"]["name"] == "places_list"
    assert (first.structured, second.structured, second.text) == (True, True, json.dumps(json.loads(ITEMS)))
