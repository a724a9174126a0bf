"""How a client settles its model's limits: configured, reported, the family's, a default; once."""

from __future__ import annotations

import asyncio
import logging

import pytest

from semiont_jobs.adapters.helpers.model_limits import (
    DEFAULT_LIMITS,
    MODEL_FAMILIES,
    LimitsLookup,
    ReportedLimits,
    family_of,
)
from semiont_jobs.adapters.openai.server_limits import OLLAMA_DEFAULT_CONTEXT, ollama_context
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.inference_client import ModelLimits


class Lookup:
    """A lookup that counts its calls and answers ``reported``, raises it, or waits ``delay`` first."""

    def __init__(self, reported: ReportedLimits | BaseException | None, delay: float = 0.0) -> None:
        self.reported, self.delay, self.calls = reported, delay, 0

    async def __call__(self) -> ReportedLimits | None:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if isinstance(self.reported, BaseException):
            raise self.reported
        return self.reported


def lookup_of(
    model: str,
    lookup: Lookup | None = None,
    *,
    context_window: int | None = None,
    max_output_tokens: int | None = None,
) -> LimitsLookup:
    return LimitsLookup(
        provider="test",
        model=model,
        lookup=lookup,
        context_window=context_window,
        max_output_tokens=max_output_tokens,
    )


@pytest.mark.parametrize(
    ("model", "prefix"),
    [
        ("claude-opus-4-1-20250805", "claude-opus-4"),
        ("claude-opus-4-5", "claude-opus-4-5"),
        ("Claude-3-5-Haiku-20241022", "claude-3-5-haiku"),
        ("claude-fable-5", "claude-"),
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
        ("gpt-4o-mini", "gpt-4o"),
        ("openai/gpt-4.1-nano", "gpt-4.1"),
        ("o1-mini-2024-09-12", "o1-mini"),
        ("ft:gpt-4o-mini-2024-07-18:acme::a1b2c3", "gpt-4o"),
    ],
)
def test_the_longest_family_prefix_wins(model: str, prefix: str) -> None:
    family = family_of(model)
    assert family is not None and family.prefix == prefix


def test_a_model_of_no_family_has_none() -> None:
    assert family_of("qwen2.5-0.5b-instruct") is None
    assert family_of("local-model") is None


def test_every_family_leaves_room_for_a_prompt() -> None:
    assert all(0 < row.max_output_tokens < row.context_window for row in MODEL_FAMILIES)
    assert len({row.prefix for row in MODEL_FAMILIES}) == len(MODEL_FAMILIES)


async def test_a_configured_window_is_used_without_a_lookup() -> None:
    lookup = Lookup(ReportedLimits(4096))
    limits = await lookup_of("claude-3-5-haiku", lookup, context_window=50_000).limits()
    assert limits == ModelLimits(context_window=50_000, max_output_tokens=8_192, source="configured")
    assert lookup.calls == 0
    unknown = await lookup_of("local-model", context_window=6_000).limits()
    assert unknown == ModelLimits(context_window=6_000, max_output_tokens=3_000, source="configured")


async def test_a_configured_reply_limit_replaces_any_other() -> None:
    reported = await lookup_of("m", Lookup(ReportedLimits(32_768, 4_000)), max_output_tokens=900).limits()
    family = await lookup_of("gpt-4o", max_output_tokens=900).limits()
    default = await lookup_of("m", max_output_tokens=900).limits()
    assert [reported.max_output_tokens, family.max_output_tokens, default.max_output_tokens] == [900] * 3
    assert [reported.source, family.source, default.source] == ["server", "model family", "default"]


def test_a_reply_limit_that_leaves_no_room_is_refused() -> None:
    with pytest.raises(ConfigurationError) as raised:
        lookup_of("m", context_window=4_096, max_output_tokens=4_096)
    assert raised.value.setting == "inference.max_output_tokens"
    with pytest.raises(ConfigurationError, match=r"inference\.context_window"):
        lookup_of("m", context_window=0)
    with pytest.raises(ConfigurationError, match=r"inference\.max_output_tokens"):
        lookup_of("m", max_output_tokens=0)


async def test_a_reported_reply_limit_too_large_for_the_window_is_halved() -> None:
    limits = await lookup_of("m", Lookup(ReportedLimits(4_096, 8_192))).limits()
    assert limits == ModelLimits(context_window=4_096, max_output_tokens=2_048, source="server")


async def test_a_reported_window_without_a_reply_limit_gets_half_of_it() -> None:
    assert (await lookup_of("m", Lookup(ReportedLimits(8_192))).limits()).max_output_tokens == 4_096
    assert (await lookup_of("m", Lookup(ReportedLimits(131_072))).limits()).max_output_tokens == 8_192


@pytest.mark.parametrize(
    "reported",
    [
        None,
        ReportedLimits(None),
        ReportedLimits(0),
        ReportedLimits(-5),
        ConnectionError("refused"),
        KeyError(),
    ],
)
async def test_a_lookup_that_says_nothing_usable_falls_back(
    reported: ReportedLimits | BaseException | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "semiont_jobs.model")
    assert await lookup_of("claude-3-haiku", Lookup(reported)).limits() == ModelLimits(
        context_window=200_000, max_output_tokens=4_096, source="model family"
    )
    assert await lookup_of("local-model", Lookup(reported)).limits() == DEFAULT_LIMITS
    assert any("inference.context_window" in record.getMessage() for record in caplog.records)


async def test_a_slow_lookup_is_cut_short() -> None:
    lookup = LimitsLookup(
        provider="test", model="local-model", lookup=Lookup(ReportedLimits(9_000), 5), bound=0.1
    )
    started = asyncio.get_running_loop().time()
    assert await lookup.limits() == DEFAULT_LIMITS
    assert asyncio.get_running_loop().time() - started < 2


async def test_concurrent_callers_share_one_lookup() -> None:
    counted = Lookup(ReportedLimits(16_384), delay=0.05)
    limits = lookup_of("m", counted)
    settled = await asyncio.gather(*(limits.limits() for _ in range(6)))
    assert counted.calls == 1
    assert set(settled) == {ModelLimits(context_window=16_384, max_output_tokens=8_192, source="server")}
    assert await limits.limits() == settled[0] and counted.calls == 1


def test_ollama_runs_a_model_with_its_num_ctx_else_at_most_its_default() -> None:
    info = {"general.architecture": "llama", "llama.context_length": 131_072}
    assert ollama_context({"parameters": 'stop "<|eot|>"\nnum_ctx 16384', "model_info": info}) == 16_384
    assert ollama_context({"parameters": "temperature 0.7", "model_info": info}) == OLLAMA_DEFAULT_CONTEXT
    small = {"general.architecture": "bert", "bert.context_length": 512}
    assert ollama_context({"model_info": small}) == 512
    assert ollama_context({"model_info": {"llama.context_length": 8192}}) is None
    assert ollama_context("not an answer") is None
