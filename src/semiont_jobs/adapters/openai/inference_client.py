"""The InferenceClient port over the Chat Completions API of OpenAI or a compatible server."""

from __future__ import annotations

import json
from typing import Literal

import openai
from openai.types.chat import ChatCompletion

from semiont_jobs.adapters.helpers.inference_calls import (
    call_failed,
    chainable,
    log_usage,
    observed,
    required,
    retry_after_seconds,
    retry_count,
    setting_or_env,
    timeout_seconds,
)
from semiont_jobs.ports.errors import InferenceError
from semiont_jobs.ports.inference_client import InferenceResponse, ModelLimits, ReplyFormat, StopReason
from semiont_jobs.ports.model_calls import NO_MODEL_CALL_OBSERVER, ModelCallObserver

PROVIDER = "openai"
API_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
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
    ``timeout``, seconds allowed for each request; ``max_retries``, how often the
    SDK retries a rate limit, server error, lost connection or timeout, with
    backoff that honours ``Retry-After``. ``max_tokens_parameter`` names the
    request field that carries ``max_tokens``: by default ``max_completion_tokens``
    for OpenAI, whose reasoning models refuse the older ``max_tokens``, and
    ``max_tokens`` for other servers, some of which know only that one. A missing
    model or key raises :class:`ConfigurationError` here.
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
        self._client = openai.AsyncOpenAI(
            api_key=self._api_key,
            base_url=base_url,
            timeout=self._timeout,
            max_retries=retry_count(max_retries),
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
        return ModelLimits(context_window=8192, max_output_tokens=2048)

    @observed(PROVIDER)
    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float, *, reply_format: ReplyFormat | None = None
    ) -> InferenceResponse:
        try:
            completion = await self._client.chat.completions.create(
                model=self._model,
                messages=[{"role": "user", "content": prompt}],
                temperature=temperature,
                max_tokens=max_tokens if self._max_tokens_parameter == "max_tokens" else openai.omit,
                max_completion_tokens=(
                    max_tokens if self._max_tokens_parameter == "max_completion_tokens" else openai.omit
                ),
            )
        except (openai.APIError, json.JSONDecodeError) as exc:
            raise self._inference_error(exc) from chainable(exc, self._api_key)
        response = _read_reply(completion)
        log_usage(PROVIDER, self._model, response)
        return response.ensure_not_empty(PROVIDER)

    def _inference_error(self, exc: Exception) -> InferenceError:
        """The one place where the SDK's errors become ours."""
        status: int | None = None
        retry_after: float | None = None
        if isinstance(exc, openai.APITimeoutError):
            message = f"no reply within {self._timeout:g}s"
        elif isinstance(exc, openai.APIConnectionError):
            message = f"cannot reach {self._client.base_url}: {exc.message}"
        elif isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            retry_after = retry_after_seconds(exc.response.headers)
            message = f"HTTP {status}: {_api_message(exc.body) or exc.message}"
        elif isinstance(exc, json.JSONDecodeError):
            message = f"the reply is not valid JSON ({exc.msg})"
        else:
            message = f"unusable reply: {exc}"
        return call_failed(PROVIDER, message, status=status, secret=self._api_key, retry_after=retry_after)


def _read_reply(completion: object) -> InferenceResponse:
    """The text, stop reason and usage of a reply, read without trusting its shape."""
    choices = getattr(completion, "choices", None)
    if not isinstance(completion, ChatCompletion) or not isinstance(choices, list) or not choices:
        raise InferenceError("the reply is not a chat completion", provider=PROVIDER, retryable=True)
    message = getattr(choices[0], "message", None)
    text = _text_of(getattr(message, "content", None))
    refusal = getattr(message, "refusal", None)
    reason = getattr(choices[0], "finish_reason", None)
    stop_reason = _STOP_REASONS.get(reason, "unknown") if isinstance(reason, str) else "unknown"
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
