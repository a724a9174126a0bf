"""What the inference adapters share, whatever their SDK: settings checks, retry
classification of failures, key redaction, the per-call usage log line and the
report of each call to the adapter's ModelCallObserver.

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

from semiont_jobs.ports.errors import ConfigurationError, InferenceError
from semiont_jobs.ports.inference_client import InferenceResponse
from semiont_jobs.ports.model_calls import ModelCallObserver

DEFAULT_TIMEOUT = 300.0
"""Seconds allowed for one request when ``inference.timeout`` is not set."""
DEFAULT_MAX_RETRIES = 2
"""Retries of one call by the SDK when ``inference.max_retries`` is not set."""
REDACTED = "[redacted]"

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
    provider: str, message: str, *, status: int | None, secret: str, retry_after: float | None = None
) -> InferenceError:
    """The error for a failed call, with the secret redacted from its message.

    A failure without an HTTP status (timeout, lost connection, unreadable reply) and
    a 408, 409, 429 or 5xx status may succeed later; any other status will not.
    """
    retryable = status is None or status in (408, 409, 429) or status >= 500
    if secret:
        message = message.replace(secret, REDACTED)
    return InferenceError(
        message, provider=provider, status=status, retryable=retryable, retry_after=retry_after
    )


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
