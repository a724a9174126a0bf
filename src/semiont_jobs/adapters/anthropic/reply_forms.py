"""How the Messages API is asked for JSON of a shape, and how a refusal of that is told apart.

Forms: a forced tool call whose ``input_schema`` is the shape (every Claude model; the
reply is the tool's input), structured outputs (``output_config.format`` of type
``json_schema``, on the models that support them; the reply's text is the JSON), and
the prompt alone.
"""

from __future__ import annotations

import json
from typing import Any, Final

import anthropic

from semiont_jobs.adapters.helpers.reply_forms import PLAIN, StructuredOutput, tool_name
from semiont_jobs.ports.inference_client import ReplyFormat

TOOL_CALL: Final = "a forced tool call"
OUTPUT_SCHEMA: Final = "output_config json_schema"

_FIELDS: Final = {
    TOOL_CALL: ("tool", "input_schema"),
    OUTPUT_SCHEMA: ("output_config", "output_format", "json_schema", "structured output", "schema"),
}


def preferred_form(mode: StructuredOutput) -> str:
    """``auto`` and ``tools`` force a tool call, ``json_schema`` asks for structured outputs, ``off``
    for neither."""
    if mode == "off":
        return PLAIN
    return OUTPUT_SCHEMA if mode == "json_schema" else TOOL_CALL


def fallback(form: str, said: str) -> str:
    """Structured outputs refused (a model without them): a forced tool call; that refused: plain text."""
    return TOOL_CALL if form == OUTPUT_SCHEMA else PLAIN


def is_refusal(form: str, status: int | None, said: str) -> bool:
    """Whether an error answer refuses ``form``: a 400 that names one of its fields."""
    said = said.lower()
    return status == 400 and any(field in said for field in _FIELDS.get(form, ()))


def request_fields(form: str, reply_format: ReplyFormat) -> dict[str, Any]:
    """The request's fields that ask for ``reply_format`` in ``form``."""
    name = tool_name(reply_format.name)
    if form == TOOL_CALL:
        tool = {"name": name, "description": f"Answer with {name}.", "input_schema": reply_format.schema}
        return {
            "tools": [tool],
            "tool_choice": {"type": "tool", "name": name, "disable_parallel_tool_use": True},
        }
    if form == OUTPUT_SCHEMA:
        try:
            schema = anthropic.transform_schema(reply_format.schema)
        except (TypeError, ValueError):
            schema = reply_format.schema
        return {"output_config": {"format": {"type": "json_schema", "schema": schema}}}
    return {}


def tool_input(content: list[Any], reply_format: ReplyFormat) -> str | None:
    """The input of the forced tool call among a reply's blocks, as JSON text; None when it made none."""
    for block in content:
        if getattr(block, "type", None) == "tool_use" and getattr(block, "name", None) == tool_name(
            reply_format.name
        ):
            given = getattr(block, "input", None)
            return json.dumps(given, ensure_ascii=False) if isinstance(given, dict) else None
    return None
