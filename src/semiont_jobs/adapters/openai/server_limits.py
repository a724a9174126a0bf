"""What an OpenAI-compatible server says of its model's context window.

Asked in this order, the first figure wins:

- ``GET <base_url>/models``: vLLM lists ``max_model_len`` per model;
- ``GET <server>/props``: llama.cpp's server (``llama-server``) gives the context of one
  slot as ``default_generation_settings.n_ctx``;
- ``POST <server>/api/show``, once ``GET <server>/api/version`` said the server is Ollama:
  the model's ``num_ctx`` parameter, else its ``<architecture>.context_length``, of which
  Ollama uses at most :data:`OLLAMA_DEFAULT_CONTEXT` unless told otherwise;
- ``meta.n_ctx_train`` in the model list: the window llama.cpp's server was trained for,
  when ``/props`` said nothing.

llama-cpp-python's server reports none of these; OpenAI's own API neither.
"""

from __future__ import annotations

import re
from typing import Any, Final

import openai

from semiont_jobs.adapters.helpers.model_limits import ReportedLimits

OLLAMA_DEFAULT_CONTEXT: Final = 4096
"""The context Ollama gives a model without ``num_ctx`` on machines under 24 GiB of VRAM (its
smallest default), past which it cuts prompts short without saying so."""


async def reported_limits(client: openai.AsyncOpenAI, model: str, timeout: float) -> ReportedLimits | None:
    """Ask the server behind ``client``; None when it reports nothing.

    Only reads are sent (the one ``POST``, Ollama's ``/api/show``, only to a server that
    said it is Ollama). Each request may take ``timeout`` seconds and is sent once; an
    answer that is an error or not of the expected shape counts as no report. A server
    that cannot be reached raises the SDK's connection error.
    """
    base = str(client.base_url).rstrip("/")
    server = base.removesuffix("/v1")
    listing = _entry(await _answer(client, "get", f"{base}/models", timeout), model)
    if (window := _count(listing, "max_model_len")) is not None:
        return ReportedLimits(window, where=f"{base}/models (max_model_len)")
    props = await _answer(client, "get", f"{server}/props", timeout)
    settings = props.get("default_generation_settings") if isinstance(props, dict) else None
    if (window := _count(settings, "n_ctx")) is not None:
        return ReportedLimits(window, where=f"{server}/props (default_generation_settings.n_ctx)")
    version = await _answer(client, "get", f"{server}/api/version", timeout)
    if isinstance(version, dict) and "version" in version:
        shown = await _answer(client, "post", f"{server}/api/show", timeout, {"model": model, "name": model})
        if (window := ollama_context(shown)) is not None:
            return ReportedLimits(window, where=f"{server}/api/show")
    meta = listing.get("meta") if isinstance(listing, dict) else None
    if (window := _count(meta, "n_ctx")) is not None or (window := _count(meta, "n_ctx_train")) is not None:
        return ReportedLimits(window, where=f"{base}/models (meta)")
    return None


def ollama_context(shown: object) -> int | None:
    """The context Ollama runs a model with, from its ``/api/show`` answer."""
    if not isinstance(shown, dict):
        return None
    parameters = shown.get("parameters")
    if isinstance(parameters, str) and (found := re.search(r"^\s*num_ctx\s+(\d+)\s*$", parameters, re.M)):
        return int(found.group(1)) or None
    info = shown.get("model_info")
    architecture = info.get("general.architecture") if isinstance(info, dict) else None
    if isinstance(architecture, str) and (trained := _count(info, f"{architecture}.context_length")):
        return min(trained, OLLAMA_DEFAULT_CONTEXT)
    return None


async def _answer(
    client: openai.AsyncOpenAI, method: str, url: str, timeout: float, body: Any = None
) -> object:
    """The JSON answer to one request, or None when the server answered with an error or no JSON."""
    options: Any = {"timeout": timeout, "max_retries": 0}
    try:
        if method == "post":
            return await client.post(url, cast_to=object, body=body, options=options)
        return await client.get(url, cast_to=object, options=options)
    except openai.APIConnectionError:
        raise
    except (openai.APIError, ValueError):
        return None


def _entry(listing: object, model: str) -> object:
    """The entry of ``model`` in a model list (the only entry, when none has its id)."""
    data = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(data, list):
        return None
    entries = [entry for entry in data if isinstance(entry, dict)]
    named = [entry for entry in entries if entry.get("id") == model]
    return named[0] if named else entries[0] if len(entries) == 1 else None


def _count(mapping: object, key: str) -> int | None:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
