"""A fake of Anthropic's Messages API: checks requests as the API would and answers in its JSON.

It takes a forced tool call (``tools`` and ``tool_choice``) and structured outputs
(``output_config.format``), says "prompt is too long" as the API does, and reports a
model's limits from the Models API (``GET /v1/models/<model>``).
"""

from __future__ import annotations

import json
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
    return _format_problem(body)


def _format_problem(body: dict[str, Any]) -> str | None:
    tools = body.get("tools", [])
    if not isinstance(tools, list) or any(
        not isinstance(tool, dict)
        or not isinstance(tool.get("name"), str)
        or not isinstance(tool.get("input_schema"), dict)
        or tool["input_schema"].get("type") != "object"
        for tool in tools
    ):
        return "tools: each needs a name and an input_schema of type object"
    called = _forced_tool(body)
    if called is not None and called not in [tool["name"] for tool in tools]:
        return f"tool_choice.name: {called!r} names no tool"
    output_format = (body.get("output_config") or {}).get("format")
    if output_format is not None and not (
        isinstance(output_format, dict)
        and output_format.get("type") == "json_schema"
        and isinstance(output_format.get("schema"), dict)
    ):
        return "output_config.format: type json_schema and a schema object are required"
    return None


def requested_format(body: Any) -> RequestedFormat | None:
    """The shape a request asked for: a forced tool call, or structured outputs."""
    called = _forced_tool(body)
    if called is not None:
        [tool] = [tool for tool in body["tools"] if tool["name"] == called]
        return RequestedFormat("tool", called, tool["input_schema"])
    output_format = (body.get("output_config") or {}).get("format") if isinstance(body, dict) else None
    if isinstance(output_format, dict):
        return RequestedFormat("output_config json_schema", "", output_format["schema"])
    return None


def _forced_tool(body: Any) -> str | None:
    choice = body.get("tool_choice") if isinstance(body, dict) else None
    name = choice.get("name") if isinstance(choice, dict) and choice.get("type") == "tool" else None
    return name if isinstance(name, str) else None


def _render(outcome: Reply | Refusal, request: RecordedRequest) -> HttpReply:
    if isinstance(outcome, Refusal):
        content: list[dict[str, Any]] = []
        stop, details = "refusal", {"type": "refusal", "category": None, "explanation": outcome.explanation}
        usage = {"input_tokens": 30, "output_tokens": 2}
    elif (called := _forced_tool(request.body)) is not None:
        content = [{"type": "tool_use", "id": "toolu_1", "name": called, "input": _input(outcome.parts)}]
        stop, details = ("tool_use" if outcome.stop == "end_turn" else outcome.stop), None
        usage = {"input_tokens": outcome.input_tokens, "output_tokens": outcome.output_tokens}
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


def _input(parts: tuple[str, ...]) -> Any:
    """A tool call's input: the reply's text read as JSON (an empty object when it is none)."""
    try:
        given = json.loads("".join(parts))
    except ValueError:
        return {}
    return given if isinstance(given, dict) else {}


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

TOO_LONG: Mapping[str, HttpReply] = {
    "anthropic": _error(400, "prompt is too long: 215000 tokens > 200000 maximum", {}),
}


def _models_api(model: str, window: int) -> Mapping[tuple[str, str], HttpReply]:
    info = {
        "id": model,
        "type": "model",
        "display_name": "Test model",
        "created_at": "2026-01-01T00:00:00Z",
        "lifecycle": "active",
        "max_input_tokens": window,
        "max_tokens": window // 8,
    }
    return {("GET", f"/v1/models/{model}"): json_reply(200, info)}


LIMIT_REPORTS = (LimitReport("the Models API", _models_api, lambda window: window // 8),)

WIRE = Wire(
    "anthropic",
    "",
    _problem,
    _render,
    _error,
    requested,
    STOP_TERMS,
    too_long=TOO_LONG,
    requested_format=requested_format,
    format_field="tools",
    limit_reports=LIMIT_REPORTS,
    endpoint="/v1/messages",
)
