"""The InferenceClient port: text in, text out, from a language model."""

from __future__ import annotations

from typing import Literal, Protocol

import attrs

from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.errors import InferenceError

StopReason = Literal["end_turn", "max_tokens", "stop_sequence", "refusal", "unknown"]
LimitsSource = Literal["configured", "server", "model family", "default"]


@attrs.frozen(kw_only=True)
class ModelLimits:
    """How many tokens one call to the model may hold: prompt and reply together, and the reply alone.

    ``source`` says where the figures came from: the configuration, what the
    server reported, the documented figures of the model's family, or a
    conservative default.
    """

    context_window: int = attrs.field(validator=attrs.validators.gt(0))
    max_output_tokens: int = attrs.field(validator=attrs.validators.gt(0))
    source: LimitsSource = "default"


@attrs.frozen(kw_only=True)
class ReplyFormat:
    """The JSON a reply must be: an object that satisfies ``schema`` (a JSON Schema), called ``name``.

    A client that can make the model keep to it does (a response format, a
    forced tool call); one that cannot sends the prompt as it is, whose own words
    describe the shape. Either way the reply's text is what the caller parses.
    """

    name: str
    schema: JsonObject


@attrs.frozen(kw_only=True)
class InferenceResponse:
    """A model's reply: its text, why it stopped, and the tokens it cost when known.

    For a refusal, ``text`` is whatever the model said: its partial text, or the
    provider's explanation of the refusal when there is no text.
    """

    text: str
    stop_reason: StopReason
    input_tokens: int | None = None
    output_tokens: int | None = None
    structured: bool = False
    """Whether the provider was made to keep to the requested :class:`ReplyFormat`."""

    def ensure_not_empty(self, provider: str) -> InferenceResponse:
        """Return this reply, or raise :class:`InferenceError` if it holds no text and is no refusal.

        The error is retryable unless the reply was cut off by ``max_tokens``, which the
        same call would hit again.
        """
        if self.text.strip() or self.stop_reason == "refusal":
            return self
        raise InferenceError(
            f"the model returned an empty reply (stop reason {self.stop_reason})",
            provider=provider,
            retryable=self.stop_reason != "max_tokens",
        )

    def answer(self, provider: str) -> str:
        """Return the text, or raise :class:`InferenceError` (not retryable) if the model refused."""
        if self.stop_reason == "refusal":
            said = f": {self.text.strip()}" if self.text.strip() else ""
            raise InferenceError(f"the model refused to answer{said}", provider=provider, retryable=False)
        return self.text


class InferenceClient(Protocol):
    """A language model that completes a single user prompt.

    Implementations raise :class:`~semiont_jobs.ports.errors.InferenceError` for
    every failure, with ``retryable`` set when trying again later may help: rate
    limits, overload, server errors, timeouts and lost connections are retryable;
    a rejected request or key is not. A call that timed out raises
    :class:`~semiont_jobs.ports.errors.InferenceTimeoutError` and is never re-sent
    by the implementation; a prompt too long for the model's context window raises
    :class:`~semiont_jobs.ports.errors.ContextLengthExceededError`. A reply with no
    text is a retryable failure, unless ``max_tokens`` cut it off.
    """

    async def generate_text(self, prompt: str, max_tokens: int, temperature: float) -> str:
        """Return the reply's text (all text blocks joined).

        A refusal raises :class:`~semiont_jobs.ports.errors.InferenceError` (not
        retryable), since a bare string could not tell it from an answer.
        """
        ...

    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float, *, reply_format: ReplyFormat | None = None
    ) -> InferenceResponse:
        """Return the reply with its stop reason and token usage.

        With ``reply_format`` the model is asked for JSON of that shape, and kept
        to it where the provider allows (``structured`` on the response says so).
        A reply cut off by ``max_tokens`` is returned with ``stop_reason ==
        "max_tokens"``, and a refusal with ``stop_reason == "refusal"``; neither is
        raised, so the caller decides what a partial reply or a refusal means.
        """
        ...

    async def model_limits(self) -> ModelLimits:
        """The model's context window and reply limit, in tokens.

        Configured figures first, else what the server reports where it reports
        them, else the documented figures of the model's family, else a
        conservative default; never raises for want of figures.
        """
        ...
