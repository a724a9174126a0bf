"""The InferenceClient port over Anthropic's Messages API."""

from __future__ import annotations

import json

import anthropic
from anthropic.types import Message, TextBlock

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

PROVIDER = "anthropic"
API_KEY_ENV = "ANTHROPIC_API_KEY"

_STOP_REASONS: dict[str, StopReason] = {
    "end_turn": "end_turn",
    "max_tokens": "max_tokens",
    "model_context_window_exceeded": "max_tokens",
    "stop_sequence": "stop_sequence",
    "refusal": "refusal",
}


class AnthropicInferenceClient:
    """Completes prompts with a Claude model, one user message per call.

    Settings: ``model`` (``inference.model``, required); ``api_key``
    (``inference.api_key``, else ``ANTHROPIC_API_KEY``, required); ``base_url``
    (else ``ANTHROPIC_BASE_URL``, else Anthropic's); ``timeout``, seconds allowed
    for each request; ``max_retries``, how often the SDK retries a rate limit,
    overload, server error, lost connection or timeout, with backoff that honours
    ``Retry-After``. A missing model or key raises
    :class:`~semiont_jobs.ports.errors.ConfigurationError` here.

    ``temperature`` is accepted as the port requires but not sent: the API version
    this SDK speaks rejects sampling parameters.
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
    ) -> None:
        self._model = required("inference.model", model)
        self._api_key = required("inference.api_key", setting_or_env(api_key, API_KEY_ENV), API_KEY_ENV)
        self._timeout = timeout_seconds(timeout)
        self._observer = observer
        self._client = anthropic.AsyncAnthropic(
            api_key=self._api_key,
            base_url=base_url or None,
            timeout=self._timeout,
            max_retries=retry_count(max_retries),
        )

    def __repr__(self) -> str:
        return f"AnthropicInferenceClient(model={self._model!r}, base_url={str(self._client.base_url)!r})"

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
            message = await self._client.messages.create(
                model=self._model, max_tokens=max_tokens, messages=[{"role": "user", "content": prompt}]
            )
        except (anthropic.APIError, json.JSONDecodeError) as exc:
            raise self._inference_error(exc) from chainable(exc, self._api_key)
        response = _read_reply(message)
        log_usage(PROVIDER, self._model, response)
        return response.ensure_not_empty(PROVIDER)

    def _inference_error(self, exc: Exception) -> InferenceError:
        """The one place where the SDK's errors become ours."""
        status: int | None = None
        retry_after: float | None = None
        if isinstance(exc, anthropic.APITimeoutError):
            message = f"no reply within {self._timeout:g}s"
        elif isinstance(exc, anthropic.APIConnectionError):
            message = f"cannot reach {self._client.base_url}: {exc.message}"
        elif isinstance(exc, anthropic.APIStatusError):
            status = exc.status_code
            retry_after = retry_after_seconds(exc.response.headers)
            message = f"HTTP {status}: {exc.api_message or exc.message}"
        elif isinstance(exc, json.JSONDecodeError):
            message = f"the reply is not valid JSON ({exc.msg})"
        else:
            message = f"unusable reply: {exc}"
        return call_failed(PROVIDER, message, status=status, secret=self._api_key, retry_after=retry_after)


def _read_reply(message: object) -> InferenceResponse:
    """The text, stop reason and usage of a reply, read without trusting its shape."""
    if not isinstance(message, Message) or not isinstance(message.content, list):
        raise InferenceError("the reply is not a Messages API message", provider=PROVIDER, retryable=True)
    texts = [block.text for block in message.content if isinstance(block, TextBlock)]
    text = "".join(part for part in texts if isinstance(part, str))
    reason = message.stop_reason
    stop_reason = _STOP_REASONS.get(reason, "unknown") if isinstance(reason, str) else "unknown"
    if stop_reason == "refusal" and not text.strip():
        explanation = getattr(message.stop_details, "explanation", None)
        text = explanation if isinstance(explanation, str) else ""
    usage = message.usage
    return InferenceResponse(
        text=text,
        stop_reason=stop_reason,
        input_tokens=_total(
            getattr(usage, "input_tokens", None),
            getattr(usage, "cache_creation_input_tokens", None),
            getattr(usage, "cache_read_input_tokens", None),
        ),
        output_tokens=_total(getattr(usage, "output_tokens", None)),
    )


def _total(*counts: object) -> int | None:
    """The sum of the counts that are integers; None when none is."""
    present = [count for count in counts if isinstance(count, int)]
    return sum(present) if present else None
