"""What a language model provider does with one request, told without its wire format.

The InferenceClient suite describes each scenario as a list of these; a harness
makes its provider behave so: a fake HTTP server for a client that talks HTTP, or
the replies and errors a client would surface, for a client scripted in-process.
"""

from __future__ import annotations

from typing import TypeAlias

import attrs


@attrs.frozen
class Reply:
    """An answer made of text blocks, sent after ``delay`` seconds.

    ``stop`` is one of the port's stop reasons, which each fake translates into its
    provider's term, or a provider's own term, which it sends as it is. Asked for a
    forced tool or function call, a fake sends the text (JSON) as the call's input.
    """

    parts: tuple[str, ...]
    stop: str = "end_turn"
    input_tokens: int = 21
    output_tokens: int = 8
    delay: float = 0.0


@attrs.frozen
class Refusal:
    """The model declines, explaining why."""

    explanation: str = "I can't help with that request."


@attrs.frozen
class Failure:
    """An HTTP error status, with a Retry-After header when ``retry_after`` is set."""

    status: int
    retry_after: float | None = None
    message: str = "the provider could not serve this request"


@attrs.frozen
class Hang:
    """The request is received and never answered."""


@attrs.frozen
class TooLong:
    """The prompt and reply budget do not fit the model's context window, said as the server
    ``variant`` says it (one of its wire's ``too_long`` names; the wire's first when empty)."""

    variant: str = ""


@attrs.frozen
class Garbled:
    """A 200 reply whose JSON body is cut short."""

    body: bytes = b'{"id": "reply-1", "content": [{"type": "te'


Outcome: TypeAlias = Reply | Refusal | Failure | Hang | Garbled | TooLong

RETRIED_STATUSES = frozenset({408, 409, 429})


def is_retried(outcome: Outcome) -> bool:
    """Whether an SDK tries again after this outcome (when it has retries left)."""
    if isinstance(outcome, Failure):
        return outcome.status in RETRIED_STATUSES or outcome.status >= 500
    return isinstance(outcome, Hang)
