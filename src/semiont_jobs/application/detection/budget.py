"""How detection spends a model's window: chunk size, reply budget and how many items to ask for."""

from __future__ import annotations

from typing import Any, Final

import attrs

from semiont_jobs.application.detection.errors import ModelWindowTooSmallError
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.inference_client import ModelLimits

MIN_CHUNK_TOKENS: Final = 256
"""A window that leaves less than this for the text cannot be used for detection."""
REPLY_CAP: Final = 8192
"""No reply is budgeted more tokens than this, however large the model's limit."""
MAX_ITEMS: Final = 150
"""No reply schema allows more items (a grammar-constrained server builds a rule per item)."""


@attrs.frozen(kw_only=True)
class DetectionSettings:
    """How detection splits a text and copes with failures (``detection.*`` settings).

    ``chunk_tokens``: the most tokens of text one call is shown, below what the
    model's window allows; ``overlap_tokens``: how much neighbouring chunks share;
    ``chunk_retries``: how often a chunk's call is retried after a retryable error
    (a timed-out call never is); ``max_failed_chunk_share``: above this share of
    chunks failing, the job fails rather than completing with the rest.
    """

    chunk_tokens: int = attrs.field(default=6000, validator=attrs.validators.ge(MIN_CHUNK_TOKENS))
    overlap_tokens: int = attrs.field(default=200, validator=attrs.validators.ge(0))
    chunk_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    max_failed_chunk_share: float = attrs.field(
        default=0.25, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )


def configured_detection(**values: Any) -> DetectionSettings:
    """``DetectionSettings`` from configured values; a bad one raises ``ConfigurationError`` naming
    its ``detection.*`` setting."""
    for field in attrs.fields(DetectionSettings):
        try:
            attrs.evolve(DetectionSettings(), **{field.name: values[field.name]})
        except KeyError:
            continue
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"detection.{field.name}", str(exc)) from None
    return DetectionSettings(**values)


@attrs.frozen(kw_only=True)
class Budget:
    """Tokens for one call: at most ``chunk_tokens`` of text, a reply of at most ``reply_tokens``
    holding at most ``max_items`` items."""

    chunk_tokens: int
    reply_tokens: int
    max_items: int


def plan_budget(
    limits: ModelLimits, scaffold_tokens: int, item_tokens: int, settings: DetectionSettings
) -> Budget:
    """The budget of one call whose prompt without its text takes ``scaffold_tokens``.

    Prompt, text and reply fit the window with a margin; the reply gets at most
    half of what the window leaves, the text the rest up to ``settings.chunk_tokens``.
    The item cap leaves room for items shorter than ``item_tokens``: a reply that
    runs out of tokens first is cut, and its chunk continued, all the same.
    Raises :class:`ModelWindowTooSmallError` when too little is left for text.
    """
    margin = max(64, limits.context_window // 50)
    available = limits.context_window - scaffold_tokens - margin
    reply = min(limits.max_output_tokens, REPLY_CAP, max(available // 2, 0))
    chunk = min(settings.chunk_tokens, available - reply)
    if chunk < MIN_CHUNK_TOKENS or reply < item_tokens:
        raise ModelWindowTooSmallError(limits.context_window, limits.max_output_tokens, scaffold_tokens)
    max_items = min(MAX_ITEMS, max(1, 2 * reply // item_tokens))
    return Budget(chunk_tokens=chunk, reply_tokens=reply, max_items=max_items)
