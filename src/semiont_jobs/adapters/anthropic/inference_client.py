"""The InferenceClient port over Anthropic's Messages API."""

from __future__ import annotations

import json

import anthropic
from anthropic.types import Message, TextBlock

from semiont_jobs.adapters.anthropic import reply_forms
from semiont_jobs.adapters.helpers.call_gate import CallGate
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
    for each request once it is under way (600; a call without a reply raises
    :class:`~semiont_jobs.ports.errors.InferenceTimeoutError`); ``max_retries``, how
    often the SDK itself retries a rate limit, overload, server error, lost connection
    or timeout, with backoff that honours ``Retry-After`` (0: a timed-out call is never
    sent twice); ``max_concurrency``, calls in flight at once through this client (4);
    ``context_window`` and ``max_output_tokens``, else what the Models API reports,
    else the model family's figures; ``structured_output``: ``auto`` and ``tools``
    force a tool call whose input schema is the reply's shape, ``json_schema`` asks
    for structured outputs, ``off`` for neither (a refused form is not asked again).
    A missing model or key, or a bad number, raises
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
        context_window: int | None = None,
        max_output_tokens: int | None = None,
        structured_output: str | None = None,
        max_concurrency: int | None = None,
        observer: ModelCallObserver = NO_MODEL_CALL_OBSERVER,
    ) -> None:
        self._model = required("inference.model", model)
        self._api_key = required("inference.api_key", setting_or_env(api_key, API_KEY_ENV), API_KEY_ENV)
        self._timeout = timeout_seconds(timeout)
        self._gate = CallGate(_concurrency(max_concurrency, local_server=False))
        self._preferred = reply_forms.preferred_form(structured_output_mode(structured_output))
        self._refused = RefusedForms(PROVIDER, self._model, reply_forms.fallback, reply_forms.is_refusal)
        self._observer = observer
        self._client = anthropic.AsyncAnthropic(
            api_key=self._api_key,
            base_url=base_url or None,
            timeout=self._timeout,
            max_retries=retry_count(max_retries),
        )
        self._limits = LimitsLookup(
            provider=PROVIDER,
            model=self._model,
            context_window=context_window,
            max_output_tokens=max_output_tokens,
            lookup=self._reported_limits,
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
        return await self._limits.limits()

    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float, *, reply_format: ReplyFormat | None = None
    ) -> InferenceResponse:
        async with self._gate.passed():
            return await self._passed(prompt, max_tokens, reply_format)

    @observed(PROVIDER)
    async def _passed(
        self, prompt: str, max_tokens: int, reply_format: ReplyFormat | None
    ) -> InferenceResponse:
        """One call through the gate, observed from then on."""

        async def send(form: str) -> Message:
            fields = reply_forms.request_fields(form, reply_format) if reply_format else {}
            try:
                message: Message = await self._client.messages.create(
                    model=self._model,
                    max_tokens=max_tokens,
                    messages=[{"role": "user", "content": prompt}],
                    **fields,
                )
            except (anthropic.APIError, json.JSONDecodeError) as exc:
                raise self._inference_error(exc) from chainable(exc, self._api_key)
            return message

        message, form = await self._refused.sent(self._preferred if reply_format else PLAIN, send)
        response = _read_reply(message, reply_format, form)
        log_usage(PROVIDER, self._model, response)
        return response.ensure_not_empty(PROVIDER)

    async def _reported_limits(self) -> ReportedLimits | None:
        """What the Models API says of the model (``max_input_tokens``, ``max_tokens``)."""
        client = self._client.with_options(max_retries=0)
        info = await client.models.retrieve(self._model, timeout=min(self._timeout, 5.0))
        window, reply = getattr(info, "max_input_tokens", None), getattr(info, "max_tokens", None)
        return ReportedLimits(
            window if isinstance(window, int) else None,
            reply if isinstance(reply, int) else None,
            where="the Models API",
        )

    def _inference_error(self, exc: Exception) -> InferenceError:
        """The one place where the SDK's errors become ours."""
        status: int | None = None
        retry_after: float | None = None
        said = ""
        if isinstance(exc, anthropic.APITimeoutError):
            return timed_out(PROVIDER, self._timeout)
        if isinstance(exc, anthropic.APIConnectionError):
            message = f"cannot reach {self._client.base_url}: {exc.message}"
        elif isinstance(exc, anthropic.APIStatusError):
            status = exc.status_code
            retry_after = retry_after_seconds(exc.response.headers)
            message = f"HTTP {status}: {exc.api_message or exc.message}"
            said = str(getattr(exc, "type", "") or "")
        elif isinstance(exc, json.JSONDecodeError):
            message = f"the reply is not valid JSON ({exc.msg})"
        else:
            message = f"unusable reply: {exc}"
        return call_failed(
            PROVIDER, message, status=status, secret=self._api_key, retry_after=retry_after, said=said
        )


def _read_reply(message: object, reply_format: ReplyFormat | None, form: str) -> InferenceResponse:
    """The text, stop reason and usage of a reply, read without trusting its shape; the input of the
    forced tool call, as JSON text, stands for its text when it made one."""
    if not isinstance(message, Message) or not isinstance(message.content, list):
        raise InferenceError("the reply is not a Messages API message", provider=PROVIDER, retryable=True)
    texts = [block.text for block in message.content if isinstance(block, TextBlock)]
    text = "".join(part for part in texts if isinstance(part, str))
    reason = message.stop_reason
    stop_reason = _STOP_REASONS.get(reason, "unknown") if isinstance(reason, str) else "unknown"
    called = reply_forms.tool_input(message.content, reply_format) if reply_format else None
    if called is not None:
        text = called
        stop_reason = "end_turn" if reason == "tool_use" else stop_reason
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
        structured=called is not None or (reply_format is not None and form == reply_forms.OUTPUT_SCHEMA),
    )


def _total(*counts: object) -> int | None:
    """The sum of the counts that are integers; None when none is."""
    present = [count for count in counts if isinstance(count, int)]
    return sum(present) if present else None
