"""A fake of the Chat Completions API (OpenAI's, or a compatible server's) answering in its JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from semiont_jobs.ports.inference_client import StopReason
from semiont_jobs.testing.fake_provider_server import (
    FakeProviderServer,
    HttpReply,
    RecordedRequest,
    Wire,
    json_reply,
)
from semiont_jobs.testing.outcomes import Refusal, Reply

FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}
TOKEN_LIMITS = ("max_tokens", "max_completion_tokens")


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
    return None


def _render(outcome: Reply | Refusal, request: RecordedRequest) -> HttpReply:
    if isinstance(outcome, Refusal):
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": outcome.explanation}
        finish, usage = "stop", (30, 2)
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

WIRE = Wire("openai", "/v1", _problem, _render, _error, requested, STOP_TERMS)
