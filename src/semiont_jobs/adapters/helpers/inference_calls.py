"""What the inference adapters share, whatever their SDK: settings checks, retry
classification of failures (timeouts, prompts too long for the context window), key
redaction, the per-call usage log line and the report of each call to the adapter's
ModelCallObserver.

Holds no technology; each adapter imports it, never another adapter.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import os
from collections.abc import Callable, Coroutine, Mapping
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from semiont_jobs.ports.errors import (
    ConfigurationError,
    ContextLengthExceededError,
    InferenceError,
    InferenceTimeoutError,
)
from semiont_jobs.ports.inference_client import InferenceResponse
from semiont_jobs.ports.model_calls import ModelCallObserver

DEFAULT_TIMEOUT = 600.0
"""Seconds allowed for one request when ``inference.timeout`` is not set."""
DEFAULT_MAX_RETRIES = 0
"""Retries of one call by the SDK when ``inference.max_retries`` is not set: none, so that a call
that timed out is never sent again behind the caller's back (the job's retry policy decides)."""
REDACTED = "[redacted]"
CONTEXT_LENGTH_STATUSES = frozenset({400, 413, 422, 500})
CONTEXT_LENGTH_PHRASES = (
    "context_length_exceeded",
    "exceed_context_size",
    "maximum context length",
    "context length",
    "context window",
    "context size",
    "prompt is too long",
    "too long and exceeds",
)
"""What providers say when a prompt and its reply budget do not fit: OpenAI and llama-cpp-python
(code ``context_length_exceeded``), vLLM ("maximum context length"), llama.cpp's server
("exceeds the available context size", type ``exceed_context_size_error``), Ollama ("context
length"), Anthropic ("prompt is too long")."""

logger = logging.getLogger("semiont_jobs.inference")


def setting_or_env(value: str | None, env_var: str) -> str | None:
    """The setting's value, else the environment variable's, stripped; None when both are blank."""
    chosen = value if value and value.strip() else os.environ.get(env_var)
    return chosen.strip() if chosen and chosen.strip() else None


def required(setting: str, value: str | None, env_var: str | None = None) -> str:
    """The value of a setting that must be given; :class:`ConfigurationError` names it otherwise."""
    if value is None or not value.strip():
        raise ConfigurationError(setting, "is not set", env_var=env_var)
    return value.strip()


def timeout_seconds(value: float | None) -> float:
    """``inference.timeout``, checked; :data:`DEFAULT_TIMEOUT` when None."""
    seconds = DEFAULT_TIMEOUT if value is None else value
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
        raise ConfigurationError("inference.timeout", f"must be seconds above 0, not {seconds!r}")
    return float(seconds)


def retry_count(value: int | None) -> int:
    """``inference.max_retries``, checked; :data:`DEFAULT_MAX_RETRIES` when None."""
    retries = DEFAULT_MAX_RETRIES if value is None else value
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigurationError("inference.max_retries", f"must be a whole number from 0, not {retries!r}")
    return retries


def whole_number(setting: str, value: int | None, minimum: int = 1) -> int | None:
    """A count setting (tokens, calls), checked: None stays None; anything but a whole number from
    ``minimum`` raises :class:`ConfigurationError` naming ``setting``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(setting, f"must be a whole number from {minimum}, not {value!r}")
    return value


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The wait a reply's ``retry-after-ms`` or ``retry-after`` header asks for, in seconds."""
    if not headers:
        return None
    try:
        if (millis := headers.get("retry-after-ms")) is not None:
            return max(0.0, float(millis) / 1000)
        if (value := headers.get("retry-after")) is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError, OverflowError):
        return None


def call_failed(
    provider: str,
    message: str,
    *,
    status: int | None,
    secret: str,
    retry_after: float | None = None,
    said: str = "",
) -> InferenceError:
    """The error for a failed call, with the secret redacted from its message.

    A 400, 413, 422 or 500 (Ollama's status for it, in some versions) whose ``message`` or
    ``said`` (the provider's error code and type) tells of a prompt too long for the
    context window is a
    :class:`ContextLengthExceededError`. Otherwise a failure without an HTTP status (lost
    connection, unreadable reply) and a 408, 409, 429 or 5xx status may succeed later; any
    other status will not.
    """
    if secret:
        message = message.replace(secret, REDACTED)
    if status in CONTEXT_LENGTH_STATUSES and is_context_length(message, said):
        return ContextLengthExceededError(message, provider=provider, status=status)
    retryable = status is None or status in (408, 409, 429) or status >= 500
    return InferenceError(
        message, provider=provider, status=status, retryable=retryable, retry_after=retry_after
    )


def is_context_length(*texts: str) -> bool:
    """Whether a provider's error text tells of a prompt too long for the model's context window."""
    said = " ".join(texts).lower()
    return any(phrase in said for phrase in CONTEXT_LENGTH_PHRASES)


def timed_out(provider: str, timeout: float) -> InferenceTimeoutError:
    """The error for a call that got no reply within ``timeout`` seconds (retryable, never re-sent)."""
    return InferenceTimeoutError(f"no reply within {timeout:g}s", provider=provider, timeout=timeout)


def chainable(exc: BaseException, secret: str) -> BaseException | None:
    """``exc``, or None when its text holds the secret and so must not be shown in a traceback."""
    return None if secret and secret in str(exc) else exc


def log_usage(provider: str, model: str, response: InferenceResponse) -> None:
    """Log one call's stop reason and token counts at INFO on ``semiont_jobs.inference``."""
    logger.info(
        "%s %s: stop reason %s, %s input tokens, %s output tokens",
        provider,
        model,
        response.stop_reason,
        response.input_tokens,
        response.output_tokens,
        extra={
            "provider": provider,
            "model": model,
            "input_tokens": response.input_tokens,
            "output_tokens": response.output_tokens,
        },
    )


class ObservedClient(Protocol):
    """An adapter whose calls :func:`observed` reports: it holds its model's name and an observer."""

    _model: str
    _observer: ModelCallObserver


C = TypeVar("C", bound=ObservedClient)
P = ParamSpec("P")
Call = Callable[Concatenate[C, P], Coroutine[Any, Any, InferenceResponse]]


def observed(provider: str) -> Callable[[Call[C, P]], Call[C, P]]:
    """Report each call of the decorated ``generate_text_with_metadata`` to the adapter's observer."""

    def decorate(method: Call[C, P]) -> Call[C, P]:
        @functools.wraps(method)
        async def call(client: C, /, *args: P.args, **kwargs: P.kwargs) -> InferenceResponse:
            with client._observer.call(provider, client._model) as watched:
                response = await method(client, *args, **kwargs)
                watched.replied(response)
                return response

        return call

    return decorate
