"""How many tokens a model takes: configured, else reported by its server, else its family's, else a default.

:data:`MODEL_FAMILIES` is the one table of documented figures (README, "Language
models", names its sources); :class:`LimitsLookup` settles a client's limits once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

import attrs

from semiont_jobs.adapters.helpers.inference_calls import whole_number
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.inference_client import LimitsSource, ModelLimits

logger = logging.getLogger("semiont_jobs.model")

DEFAULT_LIMITS: Final = ModelLimits(context_window=8192, max_output_tokens=2048, source="default")
"""What a model of unknown family whose server reports nothing is taken to allow."""
LARGEST_DERIVED_REPLY: Final = 8192
"""A reply limit derived from a reported window is half of it, at most this."""
LOOKUP_BOUND: Final = 10.0
"""Seconds a lookup of the server's figures may take in all before the client falls back."""


@attrs.frozen
class FamilyLimits:
    """The documented figures of the models whose name starts with ``prefix``."""

    prefix: str
    context_window: int
    max_output_tokens: int


MODEL_FAMILIES: Final[tuple[FamilyLimits, ...]] = (
    # Anthropic: docs.anthropic.com, "Models overview"; 200K windows (1M needs a beta header).
    FamilyLimits("claude-3-haiku", 200_000, 4_096),
    FamilyLimits("claude-3-opus", 200_000, 4_096),
    FamilyLimits("claude-3-sonnet", 200_000, 4_096),
    FamilyLimits("claude-3-5-haiku", 200_000, 8_192),
    FamilyLimits("claude-3-5-sonnet", 200_000, 8_192),
    FamilyLimits("claude-3-7-sonnet", 200_000, 64_000),
    FamilyLimits("claude-haiku-4", 200_000, 64_000),
    FamilyLimits("claude-sonnet-4", 200_000, 64_000),
    FamilyLimits("claude-opus-4", 200_000, 32_000),
    FamilyLimits("claude-opus-4-5", 200_000, 64_000),
    FamilyLimits("claude-opus-4-6", 200_000, 64_000),
    FamilyLimits("claude-opus-4-7", 200_000, 64_000),
    FamilyLimits("claude-", 200_000, 8_192),
    # OpenAI: platform.openai.com/docs/models/<model>; gpt-5's window is its input limit.
    FamilyLimits("gpt-3.5-turbo", 16_385, 4_096),
    FamilyLimits("gpt-4-turbo", 128_000, 4_096),
    FamilyLimits("gpt-4o", 128_000, 16_384),
    FamilyLimits("gpt-4o-2024-05-13", 128_000, 4_096),
    FamilyLimits("chatgpt-4o", 128_000, 16_384),
    FamilyLimits("gpt-4.1", 1_047_576, 32_768),
    FamilyLimits("gpt-5", 272_000, 128_000),
    FamilyLimits("o1", 200_000, 100_000),
    FamilyLimits("o1-mini", 128_000, 65_536),
    FamilyLimits("o1-preview", 128_000, 32_768),
    FamilyLimits("o3", 200_000, 100_000),
    FamilyLimits("o4-mini", 200_000, 100_000),
)


def family_of(model: str) -> FamilyLimits | None:
    """The table row with the longest prefix of ``model`` (case, an ``openai/``-style prefix and the
    ``ft:`` of a fine-tuned model aside)."""
    name = model.strip().lower().rpartition("/")[2].removeprefix("ft:")
    rows = [row for row in MODEL_FAMILIES if name.startswith(row.prefix)]
    return max(rows, key=lambda row: len(row.prefix)) if rows else None


@attrs.frozen
class ReportedLimits:
    """What a provider said of a model; ``where`` names the endpoint, for the log."""

    context_window: int | None
    max_output_tokens: int | None = None
    where: str = "the server"


Lookup = Callable[[], Awaitable[ReportedLimits | None]]
"""Asks the provider for a model's figures; None when it reports none."""


def derived_reply_limit(context_window: int) -> int:
    """The reply limit taken for a window whose reply limit nobody stated.

    A server that reports only its window (vLLM, llama.cpp) lets a reply fill what the prompt leaves of
    it; half the window is what detection's budget would give a reply at most anyway.
    """
    return max(1, min(context_window // 2, LARGEST_DERIVED_REPLY))


class LimitsLookup:
    """A client's model limits, settled once and kept.

    ``inference.context_window`` set: those figures, and no request. Otherwise what
    ``lookup`` reports (bounded by ``bound`` seconds; any failure is logged and counts
    as no report), else the model family's figures, else :data:`DEFAULT_LIMITS`.
    ``inference.max_output_tokens`` set replaces the reply limit wherever the window came
    from; a reply limit that would leave no room for a prompt is halved to half the window.
    """

    def __init__(
        self,
        *,
        provider: str,
        model: str,
        context_window: int | None = None,
        max_output_tokens: int | None = None,
        lookup: Lookup | None = None,
        bound: float = LOOKUP_BOUND,
    ) -> None:
        self._provider, self._model = provider, model
        self._window = whole_number("inference.context_window", context_window)
        self._reply = whole_number("inference.max_output_tokens", max_output_tokens)
        if self._window is not None and self._reply is not None and self._reply >= self._window:
            raise ConfigurationError(
                "inference.max_output_tokens",
                f"{self._reply} leaves no room for a prompt in inference.context_window {self._window}",
            )
        self._lookup, self._bound = lookup, bound
        self._settled: ModelLimits | None = None
        self._lock = asyncio.Lock()

    async def limits(self) -> ModelLimits:
        """The limits; the first call settles them, the others wait for it and share them."""
        if self._settled is None:
            async with self._lock:
                if self._settled is None:
                    self._settled = await self._settle()
        return self._settled

    async def _settle(self) -> ModelLimits:
        if self._window is not None:
            family = family_of(self._model)
            reply = family.max_output_tokens if family else derived_reply_limit(self._window)
            return self._limits(self._window, reply, "configured")
        reported = await self._reported()
        if reported is not None and reported.context_window is not None:
            window = reported.context_window
            reply = reported.max_output_tokens or derived_reply_limit(window)
            limits = self._limits(window, reply, "server")
            logger.info(
                "%s %s: %s reports a context window of %d tokens",
                self._provider,
                self._model,
                reported.where,
                window,
                extra={"provider": self._provider, "model": self._model},
            )
            return limits
        family = family_of(self._model)
        if family is not None:
            return self._limits(family.context_window, family.max_output_tokens, "model family")
        limits = self._limits(DEFAULT_LIMITS.context_window, DEFAULT_LIMITS.max_output_tokens, "default")
        logger.warning(
            "%s %s: the model's limits are unknown; taking %d tokens of context and %d of reply "
            "(set inference.context_window and inference.max_output_tokens to say)",
            self._provider,
            self._model,
            limits.context_window,
            limits.max_output_tokens,
            extra={"provider": self._provider, "model": self._model},
        )
        return limits

    async def _reported(self) -> ReportedLimits | None:
        if self._lookup is None:
            return None
        try:
            async with asyncio.timeout(self._bound):
                reported = await self._lookup()
        except Exception as exc:  # a lookup must never fail a job: any failure is no report
            reason = "no answer in time" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"
            logger.warning(
                "%s %s: could not ask the server for the model's limits (%s)",
                self._provider,
                self._model,
                reason,
                extra={"provider": self._provider, "model": self._model},
            )
            return None
        if reported is None or not _positive(reported.context_window):
            return None
        reply = reported.max_output_tokens if _positive(reported.max_output_tokens) else None
        return attrs.evolve(reported, max_output_tokens=reply)

    def _limits(self, window: int, reply: int, source: LimitsSource) -> ModelLimits:
        reply = self._reply or reply
        if reply >= window:
            reply = max(1, window // 2)
        return ModelLimits(context_window=window, max_output_tokens=reply, source=source)


def _positive(count: object) -> bool:
    return isinstance(count, int) and not isinstance(count, bool) and count > 0
