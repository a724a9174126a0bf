"""A fake of Anthropic's Messages API: checks requests as the API would and answers in its JSON."""

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

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def start_fake_anthropic(api_key: str) -> FakeProviderServer:
    """A fake Messages API that accepts only ``api_key``; its base URL is ``server.url``."""
    return FakeProviderServer(WIRE, api_key)


def requested(body: Any) -> dict[str, Any]:
    """The model, prompt, token limit and temperature a request asked for (None where absent)."""
    return {
        "model": body.get("model"),
        "prompt": body["messages"][0]["content"],
        "max_tokens": body.get("max_tokens"),
        "temperature": body.get("temperature"),
    }


def _problem(request: RecordedRequest) -> str | None:
    body = request.body
    if request.path != "/v1/messages":
        return f"unknown path {request.path}"
    if not request.headers.get("anthropic-version"):
        return "no anthropic-version header"
    if not isinstance(body, dict):
        return "body is not a JSON object"
    for sampling in ("temperature", "top_p", "top_k"):
        if sampling in body:
            return f"{sampling}: Extra inputs are not permitted"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: field required"
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
        return "max_tokens: must be a positive integer"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    if any(not isinstance(m, dict) or m.get("role") not in ("user", "assistant") for m in messages):
        return "messages: each needs a role of user or assistant"
    return None


def _render(outcome: Reply | Refusal, request: RecordedRequest) -> HttpReply:
    if isinstance(outcome, Refusal):
        content: list[dict[str, Any]] = []
        stop, details = "refusal", {"type": "refusal", "category": None, "explanation": outcome.explanation}
        usage = {"input_tokens": 30, "output_tokens": 2}
    else:
        content = [{"type": "text", "text": part} for part in outcome.parts]
        if len(content) > 1:
            content.insert(1, {"type": "thinking", "thinking": "Let me see.", "signature": "c2ln"})
        stop, details = outcome.stop, None
        usage = {"input_tokens": outcome.input_tokens, "output_tokens": outcome.output_tokens}
    return json_reply(
        200,
        {
            "id": f"msg_{len(content)}",
            "type": "message",
            "role": "assistant",
            "model": request.body["model"],
            "content": content,
            "stop_reason": stop,
            "stop_details": details,
            "stop_sequence": "\n\n" if stop == "stop_sequence" else None,
            "usage": usage,
        },
    )


def _error(status: int, message: str, headers: Mapping[str, str]) -> HttpReply:
    kind = ERROR_TYPES.get(status, "api_error")
    return json_reply(status, {"type": "error", "error": {"type": kind, "message": message}}, headers)


STOP_TERMS: tuple[tuple[str, StopReason], ...] = (
    ("end_turn", "end_turn"),
    ("stop_sequence", "stop_sequence"),
    ("max_tokens", "max_tokens"),
    ("model_context_window_exceeded", "max_tokens"),
    ("pause_turn", "unknown"),
)
"""What the provider's stop terms must come back as."""

WIRE = Wire("anthropic", "", _problem, _render, _error, requested, STOP_TERMS)
