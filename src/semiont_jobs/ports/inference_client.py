"""The InferenceClient port: text in, text out, from a language model."""

from __future__ import annotations

from typing import Literal, Protocol

import attrs

from semiont_jobs.ports.errors import InferenceError

StopReason = Literal["end_turn", "max_tokens", "stop_sequence", "refusal", "unknown"]


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
    limits, overload, server errors, timeouts and lost connections are retryable
    (after the implementation's own retries); a rejected request or key is not.
    A reply with no text is a retryable failure, unless ``max_tokens`` cut it off.
    """

    async def generate_text(self, prompt: str, max_tokens: int, temperature: float) -> str:
        """Return the reply's text (all text blocks joined).

        A refusal raises :class:`~semiont_jobs.ports.errors.InferenceError` (not
        retryable), since a bare string could not tell it from an answer.
        """
        ...

    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float
    ) -> InferenceResponse:
        """Return the reply with its stop reason and token usage.

        A reply cut off by ``max_tokens`` is returned with ``stop_reason ==
        "max_tokens"``, and a refusal with ``stop_reason == "refusal"``; neither is
        raised, so the caller decides what a partial reply or a refusal means.
        """
        ...
