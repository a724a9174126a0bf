"""The InferenceClient port over the Chat Completions API of OpenAI or a compatible server."""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import urlsplit

import openai
from openai.types.chat import ChatCompletion

from semiont_jobs.adapters.helpers.call_gate import CallGate, is_loopback
from semiont_jobs.adapters.helpers.call_gate import max_concurrency as _concurrency
from semiont_jobs.adapters.helpers.inference_calls import (
    call_failed,
    chainable,
    log_usage,
    observed,
    required,
    retry_after_seconds,
    retry_count,
    setting_or_env,
    timed_out,
    timeout_seconds,
)
from semiont_jobs.adapters.helpers.model_limits import LimitsLookup, ReportedLimits
from semiont_jobs.adapters.helpers.reply_forms import PLAIN, RefusedForms
from semiont_jobs.adapters.helpers.reply_forms import structured_output as structured_output_mode
from semiont_jobs.adapters.openai import reply_forms
from semiont_jobs.adapters.openai.server_limits import reported_limits
from semiont_jobs.ports.errors import InferenceError
from semiont_jobs.ports.inference_client import InferenceResponse, ModelLimits, ReplyFormat, StopReason
from semiont_jobs.ports.model_calls import NO_MODEL_CALL_OBSERVER, ModelCallObserver

PROVIDER = "openai"
API_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
OPENAI_HOST = "api.openai.com"
LOCAL_SERVER_KEY = "sk-no-key-required"
"""Sent as the key to a server at a ``base_url`` when none is configured; local servers ignore it."""

MaxTokensParameter = Literal["max_tokens", "max_completion_tokens"]

_STOP_REASONS: dict[str, StopReason] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "content_filter": "refusal",
}


class OpenAIInferenceClient:
    """Completes prompts with a chat model, one user message per call.

    Serves OpenAI and the servers that speak its Chat Completions API (Ollama,
    vLLM, llama.cpp's server, LM Studio) when ``base_url`` points at them.

    Settings: ``model`` (``inference.model``, required); ``base_url``
    (``inference.base_url``, else ``OPENAI_BASE_URL``, else OpenAI's); ``api_key``
    (``inference.api_key``, else ``OPENAI_API_KEY``), required for OpenAI itself; a
    server at a ``base_url`` is sent :data:`LOCAL_SERVER_KEY` when no key is set.
    ``timeout``, seconds allowed for each request once it is under way (600); a call
    that gets no reply raises :class:`~semiont_jobs.ports.errors.InferenceTimeoutError`.
    ``max_retries``, how often the SDK itself retries a rate limit, server error, lost
    connection or timeout (0: a timed-out call is never sent twice; above 0 the SDK
    re-sends it). ``max_concurrency``, calls in flight at once through this client (4;
    1 for a server on a loopback address); the others wait, and a call's timeout starts
    when it is let through. ``context_window`` and ``max_output_tokens``, the model's
    limits in tokens, else what the server reports, else its family's, else 8,192 and
    2,048. ``structured_output``: ``auto`` or ``json_schema`` ask for a
    ``response_format`` (``strict`` on OpenAI's own API, or when ``strict_schema``),
    ``tools`` for a forced function call, ``off`` for neither; a server that refuses the
    form is asked without it from then on. ``max_tokens_parameter`` names the request
    field that carries ``max_tokens``: by default ``max_completion_tokens`` for OpenAI,
    whose reasoning models refuse the older ``max_tokens``, and ``max_tokens`` for other
    servers, some of which know only that one. A missing model or key, or a bad number,
    raises :class:`~semiont_jobs.ports.errors.ConfigurationError` here.
    """

    def __init__(
        self,
        *,
        model: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        observer: ModelCallObserver = NO_MODEL_CALL_OBSERVER,
        max_tokens_parameter: MaxTokensParameter | None = None,
        context_window: int | None = None,
        max_output_tokens: int | None = None,
        structured_output: str | None = None,
        max_concurrency: int | None = None,
        strict_schema: bool | None = None,
    ) -> None:
        self._model = required("inference.model", model)
        base_url = setting_or_env(base_url, BASE_URL_ENV)
        api_key = setting_or_env(api_key, API_KEY_ENV) or (LOCAL_SERVER_KEY if base_url else None)
        self._api_key = required("inference.api_key", api_key, API_KEY_ENV)
        self._timeout = timeout_seconds(timeout)
        self._observer = observer
        self._max_tokens_parameter: MaxTokensParameter = max_tokens_parameter or (
            "max_tokens" if base_url else "max_completion_tokens"
        )
        own_api = not base_url or urlsplit(base_url).hostname == OPENAI_HOST
        self._gate = CallGate(
            _concurrency(max_concurrency, local_server=bool(base_url) and is_loopback(base_url))
        )
        self._strict = own_api if strict_schema is None else strict_schema
        self._preferred = reply_forms.preferred_form(
            structured_output_mode(structured_output), strict=self._strict
        )
        self._refused = RefusedForms(PROVIDER, self._model, reply_forms.fallback, reply_forms.is_refusal)
        self._client = openai.AsyncOpenAI(
            api_key=self._api_key,
            base_url=base_url,
            timeout=self._timeout,
            max_retries=retry_count(max_retries),
        )
        self._limits = LimitsLookup(
            provider=PROVIDER,
            model=self._model,
            context_window=context_window,
            max_output_tokens=max_output_tokens,
            lookup=None if own_api else self._reported_limits,
        )

    def __repr__(self) -> str:
        return f"OpenAIInferenceClient(model={self._model!r}, base_url={str(self._client.base_url)!r})"

    async def close(self) -> None:
        """Close the HTTP connections; the client is unusable afterwards. The lifespan calls it."""
        await self._client.close()

    aclose = close

    async def generate_text(self, prompt: str, max_tokens: int, temperature: float) -> str:
        response = await self.generate_text_with_metadata(prompt, max_tokens, temperature)
        return response.answer(PROVIDER)

    async def model_limits(self) -> ModelLimits:
        return await self._limits.limits()

    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float, *, reply_format: ReplyFormat | None = None
    ) -> InferenceResponse:
        async with self._gate.passed():
            return await self._passed(prompt, max_tokens, temperature, reply_format)

    @observed(PROVIDER)
    async def _passed(
        self, prompt: str, max_tokens: int, temperature: float, reply_format: ReplyFormat | None
    ) -> InferenceResponse:
        """One call through the gate, observed from then on."""

        async def send(form: str) -> ChatCompletion:
            try:
                return await self._create(prompt, max_tokens, temperature, form, reply_format)
            except (openai.APIError, json.JSONDecodeError) as exc:
                raise self._inference_error(exc) from chainable(exc, self._api_key)

        completion, form = await self._refused.sent(self._preferred if reply_format else PLAIN, send)
        response = _read_reply(completion, reply_format, form, strict=self._strict)
        log_usage(PROVIDER, self._model, response)
        return response.ensure_not_empty(PROVIDER)

    async def _create(
        self, prompt: str, max_tokens: int, temperature: float, form: str, reply_format: ReplyFormat | None
    ) -> ChatCompletion:
        fields: dict[str, Any] = reply_forms.request_fields(form, reply_format) if reply_format else {}
        completion: ChatCompletion = await self._client.chat.completions.create(
            model=self._model,
            messages=[{"role": "user", "content": prompt}],
            temperature=temperature,
            max_tokens=max_tokens if self._max_tokens_parameter == "max_tokens" else openai.omit,
            max_completion_tokens=(
                max_tokens if self._max_tokens_parameter == "max_completion_tokens" else openai.omit
            ),
            **fields,
        )
        return completion

    async def _reported_limits(self) -> ReportedLimits | None:
        return await reported_limits(self._client, self._model, min(self._timeout, 5.0))

    def _inference_error(self, exc: Exception) -> InferenceError:
        """The one place where the SDK's errors become ours."""
        status: int | None = None
        retry_after: float | None = None
        said = ""
        if isinstance(exc, openai.APITimeoutError):
            return timed_out(PROVIDER, self._timeout)
        if isinstance(exc, openai.APIConnectionError):
            message = f"cannot reach {self._client.base_url}: {exc.message}"
        elif isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            retry_after = retry_after_seconds(exc.response.headers)
            message = f"HTTP {status}: {_api_message(exc.body) or exc.message}"
            said = f"{exc.code or ''} {exc.type or ''}"
        elif isinstance(exc, json.JSONDecodeError):
            message = f"the reply is not valid JSON ({exc.msg})"
        else:
            message = f"unusable reply: {exc}"
        return call_failed(
            PROVIDER, message, status=status, secret=self._api_key, retry_after=retry_after, said=said
        )


def _read_reply(
    completion: object, reply_format: ReplyFormat | None, form: str, *, strict: bool
) -> InferenceResponse:
    """The text, stop reason and usage of a reply asked in ``form``, read without trusting its shape."""
    choices = getattr(completion, "choices", None)
    if not isinstance(completion, ChatCompletion) or not isinstance(choices, list) or not choices:
        raise InferenceError("the reply is not a chat completion", provider=PROVIDER, retryable=True)
    message = getattr(choices[0], "message", None)
    text = _text_of(getattr(message, "content", None))
    refusal = getattr(message, "refusal", None)
    reason = getattr(choices[0], "finish_reason", None)
    stop_reason = _STOP_REASONS.get(reason, "unknown") if isinstance(reason, str) else "unknown"
    called = reply_forms.tool_arguments(message, reply_format) if reply_format else None
    if called is not None:
        text = called
        stop_reason = "end_turn" if reason == "tool_calls" else stop_reason
    if isinstance(refusal, str) and refusal.strip():
        stop_reason, text = "refusal", text or refusal
    usage = completion.usage
    prompt_tokens = getattr(usage, "prompt_tokens", None)
    completion_tokens = getattr(usage, "completion_tokens", None)
    return InferenceResponse(
        text=text,
        stop_reason=stop_reason,
        input_tokens=prompt_tokens if isinstance(prompt_tokens, int) else None,
        output_tokens=completion_tokens if isinstance(completion_tokens, int) else None,
        structured=bool(reply_format) and reply_forms.held(form, strict=strict, called=called is not None),
    )


def _text_of(content: object) -> str:
    """A message's text: a string, or the text parts some compatible servers send instead."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = [part.get("text") for part in content if isinstance(part, dict) and part.get("type") == "text"]
    return "".join(text for text in texts if isinstance(text, str))


def _api_message(body: object) -> str | None:
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) and message else None
