"""A fake of the Chat Completions API (OpenAI's, or a compatible server's) answering in its JSON.

It takes ``response_format`` (``json_schema``, ``json_object`` with an optional ``schema``)
and a forced function call, says "too long" as OpenAI, vLLM, llama.cpp's server,
llama-cpp-python's server and Ollama do, and reports limits as vLLM, llama.cpp's server
and Ollama do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from semiont_jobs.ports.inference_client import StopReason
from semiont_jobs.testing.fake_provider_server import (
    FakeProviderServer,
    HttpReply,
    LimitReport,
    RecordedRequest,
    RequestedFormat,
    Wire,
    json_reply,
)
from semiont_jobs.testing.outcomes import Refusal, Reply

FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}
TOKEN_LIMITS = ("max_tokens", "max_completion_tokens")
FORMAT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def start_fake_openai(api_key: str) -> FakeProviderServer:
    """A fake Chat Completions API that accepts only ``api_key``; its base URL is ``server.url + "/v1"``."""
    return FakeProviderServer(WIRE, api_key)


def requested(body: Any) -> dict[str, Any]:
    """The model, prompt, token limit and temperature a request asked for (None where absent)."""
    limits = [body[name] for name in TOKEN_LIMITS if name in body]
    return {
        "model": body.get("model"),
        "prompt": body["messages"][0]["content"],
        "max_tokens": limits[0] if limits else None,
        "temperature": body.get("temperature"),
    }


def _problem(request: RecordedRequest) -> str | None:
    body = request.body
    if request.path != "/v1/chat/completions":
        return f"unknown path {request.path}"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "you must provide a model parameter"
    limits = [name for name in TOKEN_LIMITS if name in body]
    if len(limits) != 1 or not isinstance(body[limits[0]], int) or body[limits[0]] < 1:
        return f"exactly one positive integer of {TOKEN_LIMITS} is required, got {limits}"
    temperature = body.get("temperature")
    if temperature is not None and not (isinstance(temperature, int | float) and 0 <= temperature <= 2):
        return "temperature must be a number from 0 to 2"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    if any(not isinstance(m, dict) or "role" not in m or "content" not in m for m in messages):
        return "messages: each needs a role and content"
    return _format_problem(body)


def _format_problem(body: dict[str, Any]) -> str | None:
    response_format = body.get("response_format")
    if response_format is not None:
        kind = response_format.get("type") if isinstance(response_format, dict) else None
        if kind not in ("text", "json_object", "json_schema"):
            return f"response_format.type: {kind!r} is not one of text, json_object, json_schema"
        described = response_format.get("json_schema")
        if kind == "json_schema" and not (
            isinstance(described, dict)
            and FORMAT_NAME.match(str(described.get("name")))
            and isinstance(described.get("schema"), dict)
        ):
            return "response_format.json_schema: a name and a schema object are required"
    tools, choice = body.get("tools"), body.get("tool_choice")
    if choice is not None:
        named = [tool.get("function", {}).get("name") for tool in tools or [] if isinstance(tool, dict)]
        wanted = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
        if wanted not in named:
            return f"tool_choice: {wanted!r} names no function of tools"
    return None


def requested_format(body: Any) -> RequestedFormat | None:
    """The shape a request asked for: a response format with a schema, or a forced function call."""
    response_format = body.get("response_format") if isinstance(body, dict) else None
    if isinstance(response_format, dict):
        if response_format.get("type") == "json_schema":
            described = response_format["json_schema"]
            form = "json_schema (strict)" if described.get("strict") else "json_schema"
            return RequestedFormat(form, described["name"], described["schema"])
        if response_format.get("type") == "json_object" and "schema" in response_format:
            return RequestedFormat("json_object", "", response_format["schema"])
    called = _forced_function(body)
    if called is not None:
        [tool] = [tool for tool in body["tools"] if tool["function"]["name"] == called]
        return RequestedFormat("function", called, tool["function"]["parameters"])
    return None


def _forced_function(body: Any) -> str | None:
    choice = body.get("tool_choice") if isinstance(body, dict) else None
    name = choice.get("function", {}).get("name") if isinstance(choice, dict) else None
    return name if isinstance(name, str) else None


def _render(outcome: Reply | Refusal, request: RecordedRequest) -> HttpReply:
    if isinstance(outcome, Refusal):
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": outcome.explanation}
        finish, usage = "stop", (30, 2)
    elif (called := _forced_function(request.body)) is not None:
        arguments = "".join(outcome.parts)
        function = {"name": called, "arguments": arguments}
        calls = [{"id": "call_1", "type": "function", "function": function}]
        message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": calls}
        finish = (
            "tool_calls" if outcome.stop == "end_turn" else FINISH_REASONS.get(outcome.stop, outcome.stop)
        )
        usage = (outcome.input_tokens, outcome.output_tokens)
    else:
        # Several parts come as content parts, as some compatible servers send them.
        parts = [{"type": "text", "text": part} for part in outcome.parts]
        content = outcome.parts[0] if len(outcome.parts) == 1 else parts
        message = {"role": "assistant", "content": content, "refusal": None}
        finish = FINISH_REASONS.get(outcome.stop, outcome.stop)
        usage = (outcome.input_tokens, outcome.output_tokens)
    return json_reply(
        200,
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1_790_000_000,
            "model": request.body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
        },
    )


def _error(status: int, message: str, headers: Mapping[str, str]) -> HttpReply:
    kind = "invalid_request_error" if status < 500 else "server_error"
    error = {"message": message, "type": kind, "param": None, "code": None}
    return json_reply(status, {"error": error}, headers)


STOP_TERMS: tuple[tuple[str, StopReason], ...] = (
    ("stop", "end_turn"),
    ("length", "max_tokens"),
    ("content_filter", "refusal"),
    ("tool_calls", "unknown"),
)
"""What the provider's stop terms must come back as."""


def _error_body(status: int, message: str, kind: str, code: object = None) -> HttpReply:
    return json_reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


TOO_LONG: Mapping[str, HttpReply] = {
    "openai": _error_body(
        400,
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 "
        "tokens. Please reduce the length of the messages.",
        "invalid_request_error",
        "context_length_exceeded",
    ),
    "vllm": _error_body(
        400,
        "This model's maximum context length is 8192 tokens. However, you requested 9120 tokens "
        "(7120 in the messages, 2000 in the completion). Please reduce the length of the messages "
        "or completion.",
        "BadRequestError",
        400,
    ),
    "llama.cpp": json_reply(
        400,
        {
            "error": {
                "code": 400,
                "message": "request (9120 tokens) exceeds the available context size (8192 tokens), "
                "try increasing it",
                "type": "exceed_context_size_error",
                "n_prompt_tokens": 9120,
                "n_ctx": 8192,
            }
        },
    ),
    "llama-cpp-python": _error_body(
        400,
        "This model's maximum context length is 8192 tokens. However, you requested 9120 tokens "
        "(7120 in the messages, 2000 in the completion). Please reduce the length of the messages "
        "or completion.",
        "invalid_request_error",
        "context_length_exceeded",
    ),
    "ollama": _error_body(500, "the input length exceeds the context length", "api_error"),
}
"""The context-length answers of OpenAI, vLLM, llama.cpp's server, llama-cpp-python's and Ollama."""


def _vllm(model: str, window: int) -> Mapping[tuple[str, str], HttpReply]:
    entry = {"id": model, "object": "model", "owned_by": "vllm", "max_model_len": window}
    return {("GET", "/v1/models"): json_reply(200, {"object": "list", "data": [entry]})}


def _llama_server(model: str, window: int) -> Mapping[tuple[str, str], HttpReply]:
    meta = {"vocab_type": 2, "n_vocab": 151936, "n_ctx_train": 32768, "n_embd": 896}
    entry = {"id": model, "object": "model", "owned_by": "llamacpp", "meta": meta}
    props = {"default_generation_settings": {"n_ctx": window, "params": {}}, "total_slots": 1}
    return {
        ("GET", "/v1/models"): json_reply(200, {"object": "list", "data": [entry]}),
        ("GET", "/props"): json_reply(200, props),
    }


def _ollama(model: str, window: int) -> Mapping[tuple[str, str], HttpReply]:
    entry = {"id": model, "object": "model", "owned_by": "library"}
    shown = {
        "parameters": f'num_ctx                        {window}\nstop                           "<|im_end|>"',
        "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
    }
    return {
        ("GET", "/v1/models"): json_reply(200, {"object": "list", "data": [entry]}),
        ("GET", "/api/version"): json_reply(200, {"version": "0.12.6"}),
        ("POST", "/api/show"): json_reply(200, shown),
    }


LIMIT_REPORTS = (
    LimitReport("vLLM /v1/models max_model_len", _vllm),
    LimitReport("llama.cpp /props n_ctx", _llama_server),
    LimitReport("Ollama /api/show num_ctx", _ollama),
)

WIRE = Wire(
    "openai",
    "/v1",
    _problem,
    _render,
    _error,
    requested,
    STOP_TERMS,
    too_long=TOO_LONG,
    requested_format=requested_format,
    format_field="response_format",
    limit_reports=LIMIT_REPORTS,
    endpoint="/v1/chat/completions",
)
