"""How the Chat Completions API is asked for JSON of a shape, and how a refusal of that is told apart.

Forms, most binding first: ``response_format`` of type ``json_schema`` with ``strict``
(OpenAI's own API, which then holds the reply to the schema), the same without
``strict`` (vLLM, llama.cpp's server and Ollama read the schema into a grammar and ignore
``strict``), ``json_object`` with a ``schema`` beside it (llama-cpp-python's server, which
knows only that type), a forced function call, and the prompt alone.
"""

from __future__ import annotations

from typing import Any, Final

from semiont_jobs.adapters.helpers.reply_forms import PLAIN, StructuredOutput, tool_name
from semiont_jobs.ports.inference_client import ReplyFormat

STRICT_SCHEMA: Final = "json_schema (strict)"
SCHEMA: Final = "json_schema"
OBJECT_WITH_SCHEMA: Final = "json_object with a schema"
TOOL_CALL: Final = "a forced function call"

REFUSAL_STATUSES: Final = frozenset({400, 422, 500})
"""Statuses of a refused form: 400 and 422 as usual; 500 is what llama-cpp-python's server answers
when its request model cannot read a field."""
_FIELDS: Final = {
    STRICT_SCHEMA: ("response_format", "json_schema", "strict"),
    SCHEMA: ("response_format", "json_schema"),
    OBJECT_WITH_SCHEMA: ("response_format", "json_object"),
    TOOL_CALL: ("tools", "tool_choice", "function"),
}


def preferred_form(mode: StructuredOutput, *, strict: bool) -> str:
    """The form to ask in first: ``auto`` and ``json_schema`` ask for a response format (strict when
    ``strict``), ``tools`` for a function call, ``off`` for plain text."""
    if mode == "off":
        return PLAIN
    if mode == "tools":
        return TOOL_CALL
    return STRICT_SCHEMA if strict else SCHEMA


def fallback(form: str, said: str) -> str:
    """The form to use once the server refused ``form`` saying ``said``.

    A strict schema is sent without ``strict``; a ``json_schema`` refused by a server that
    names ``json_object`` as the type it knows is sent as that; anything else as plain text.
    """
    if form == STRICT_SCHEMA:
        return SCHEMA
    if form == SCHEMA and "json_object" in said.lower():
        return OBJECT_WITH_SCHEMA
    return PLAIN


def is_refusal(form: str, status: int | None, said: str) -> bool:
    """Whether an error answer refuses ``form``: a 400, 422 or 500 that names one of its fields."""
    said = said.lower()
    return status in REFUSAL_STATUSES and any(field in said for field in _FIELDS.get(form, ()))


def held(form: str, *, strict: bool, called: bool) -> bool:
    """Whether the server kept a reply asked in ``form`` to the shape: so for a strict schema, for a
    schema where ``strict`` was not wanted (the compatible servers decode by it), for ``json_object``
    with a schema, and for a function call that was made; not so for plain text, nor for a schema
    whose ``strict`` was refused."""
    if form == SCHEMA:
        return not strict
    if form == TOOL_CALL:
        return called
    return form in (STRICT_SCHEMA, OBJECT_WITH_SCHEMA)


def request_fields(form: str, reply_format: ReplyFormat) -> dict[str, Any]:
    """The request's fields that ask for ``reply_format`` in ``form``."""
    name = tool_name(reply_format.name)
    if form in (STRICT_SCHEMA, SCHEMA):
        described: dict[str, Any] = {"name": name, "schema": reply_format.schema}
        if form == STRICT_SCHEMA:
            described["strict"] = True
        return {"response_format": {"type": "json_schema", "json_schema": described}}
    if form == OBJECT_WITH_SCHEMA:
        return {"response_format": {"type": "json_object", "schema": reply_format.schema}}
    if form == TOOL_CALL:
        function = {"name": name, "description": f"Answer with {name}.", "parameters": reply_format.schema}
        return {
            "tools": [{"type": "function", "function": function}],
            "tool_choice": {"type": "function", "function": {"name": name}},
        }
    return {}


def tool_arguments(message: object, reply_format: ReplyFormat) -> str | None:
    """The arguments (JSON text) of the forced function call in a reply's message, when it made one."""
    calls = getattr(message, "tool_calls", None)
    if not isinstance(calls, list):
        return None
    for call in calls:
        function = getattr(call, "function", None)
        arguments = getattr(function, "arguments", None)
        if getattr(function, "name", None) == tool_name(reply_format.name) and isinstance(arguments, str):
            return arguments
    return None
