"""Our three inference clients under contract, as fixtures.

Each fixture gives a harness whose provider can be told how to behave
(:meth:`behaves_like`) and which counts the requests that reached it. The real
adapters talk through their SDKs to a fake server on 127.0.0.1; the scripted
client is given the replies and errors a real adapter would surface.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, cast, get_args

import pytest

from semiont_jobs.adapters.anthropic import AnthropicInferenceClient
from semiont_jobs.adapters.memory import ScriptedInferenceClient
from semiont_jobs.adapters.memory.inference_client import Reply as ScriptedReply
from semiont_jobs.adapters.openai import OpenAIInferenceClient
from semiont_jobs.ports.errors import ContextLengthExceededError, InferenceError, InferenceTimeoutError
from semiont_jobs.ports.inference_client import InferenceResponse, StopReason
from semiont_jobs.testing import (
    Failure,
    FakeProviderServer,
    Garbled,
    Hang,
    HttpProvider,
    Outcome,
    Refusal,
    Reply,
    TooLong,
    is_retried,
    start_fake_anthropic,
    start_fake_openai,
)

MODEL = "test-model-1"
API_KEY = "sk-test-0123456789-do-not-log"
MAX_RETRIES = 2
TIMEOUT = 0.3
"""Seconds a real adapter waits for a reply: short, so that a hung server fails fast."""


class ScriptedProvider:
    """The scripted client, answering as a real adapter would after its SDK's retries."""

    provider = "scripted"

    def __init__(self) -> None:
        self._outcomes: list[Outcome] = []
        self.client = ScriptedInferenceClient(self._respond)

    def behaves_like(self, *outcomes: Outcome) -> None:
        self._outcomes.extend(outcomes)

    @property
    def requests(self) -> int:
        return len(self.client.calls)

    def _respond(self, prompt: str) -> ScriptedReply:
        for attempt in range(MAX_RETRIES + 1):
            outcome = self._outcomes.pop(0)
            if not (is_retried(outcome) and attempt < MAX_RETRIES):
                break
        return _surfaced(outcome)


def _surfaced(outcome: Outcome) -> ScriptedReply:
    """What an adapter hands its caller for this final outcome."""
    provider = ScriptedProvider.provider
    if isinstance(outcome, Reply):
        assert outcome.stop in get_args(StopReason), f"not a port stop reason: {outcome.stop}"
        return InferenceResponse(
            text="".join(outcome.parts),
            stop_reason=cast(StopReason, outcome.stop),
            input_tokens=outcome.input_tokens,
            output_tokens=outcome.output_tokens,
        )
    if isinstance(outcome, Refusal):
        return InferenceResponse(text=outcome.explanation, stop_reason="refusal")
    if isinstance(outcome, Failure):
        message = f"HTTP {outcome.status}: {outcome.message}"
        return InferenceError(
            message, provider=provider, status=outcome.status, retryable=is_retried(outcome)
        )
    if isinstance(outcome, Hang):
        return InferenceTimeoutError(f"no reply within {TIMEOUT}s", provider=provider, timeout=TIMEOUT)
    if isinstance(outcome, TooLong):
        return ContextLengthExceededError("the prompt is too long", provider=provider, status=400)
    assert isinstance(outcome, Garbled)
    return InferenceError("the reply is not valid JSON", provider=provider, retryable=True)


def _quick_backoff(monkeypatch: pytest.MonkeyPatch, sdk: str) -> None:
    """Shrink the SDK's backoff between retries (not the Retry-After it honours) to milliseconds."""
    monkeypatch.setattr(f"{sdk}._base_client.INITIAL_RETRY_DELAY", 0.01)
    monkeypatch.setattr(f"{sdk}._base_client.MAX_RETRY_DELAY", 0.02)


@pytest.fixture
def scripted_inference() -> ScriptedProvider:
    return ScriptedProvider()


@contextlib.asynccontextmanager
async def http_harness(
    provider: str,
    adapter: Callable[..., AnthropicInferenceClient | OpenAIInferenceClient],
    start: Callable[[str], FakeProviderServer],
) -> AsyncIterator[HttpProvider]:
    """A fake server of ``provider`` and a client of it (short timeout, the SDK's retries on)."""
    with start(API_KEY) as server:

        def configure(**settings: Any) -> AnthropicInferenceClient | OpenAIInferenceClient:
            return adapter(**{"model": MODEL, "api_key": API_KEY, "base_url": server.base_url, **settings})

        client = configure(timeout=TIMEOUT, max_retries=MAX_RETRIES)
        harness = HttpProvider(provider, client, server, MODEL, API_KEY, configure)
        try:
            yield harness
        finally:
            await harness.aclose()


@pytest.fixture
async def anthropic_inference(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HttpProvider]:
    _quick_backoff(monkeypatch, "anthropic")
    async with http_harness("anthropic", AnthropicInferenceClient, start_fake_anthropic) as harness:
        yield harness


@pytest.fixture
async def openai_inference(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[HttpProvider]:
    _quick_backoff(monkeypatch, "openai")
    async with http_harness("openai", OpenAIInferenceClient, start_fake_openai) as harness:
        yield harness
