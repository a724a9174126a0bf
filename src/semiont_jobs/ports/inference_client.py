"""The InferenceClient port: text in, text out, from a language model."""

from __future__ import annotations

from typing import Literal, Protocol

import attrs

StopReason = Literal["end_turn", "max_tokens", "stop_sequence", "refusal", "unknown"]


@attrs.frozen(kw_only=True)
class InferenceResponse:
    """A model's reply: its text, why it stopped, and the tokens it cost when known."""

    text: str
    stop_reason: StopReason
    input_tokens: int | None = None
    output_tokens: int | None = None


class InferenceClient(Protocol):
    """A language model that completes a single user prompt.

    Implementations raise :class:`~semiont_jobs.ports.errors.InferenceError` for
    every failure, with ``retryable`` set when trying again later may help.
    """

    async def generate_text(self, prompt: str, max_tokens: int, temperature: float) -> str:
        """Return the reply's text (all text blocks joined)."""
        ...

    async def generate_text_with_metadata(
        self, prompt: str, max_tokens: int, temperature: float
    ) -> InferenceResponse:
        """Return the reply with its stop reason and token usage.

        A reply cut off by ``max_tokens`` is returned with ``stop_reason ==
        "max_tokens"``, not raised; the caller decides whether a partial reply will do.
        """
        ...
