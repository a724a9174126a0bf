"""The InferenceClient contract, run against each of our clients: the scripted one, and
the Anthropic and OpenAI adapters through their SDKs against fake servers on 127.0.0.1."""

from __future__ import annotations

from typing import ClassVar

import pytest

from semiont_jobs.ports.inference_client import ModelLimits
from semiont_jobs.testing import HttpInferenceClientContract, HttpProvider, InferenceClientContract
from tests.support.inference_harnesses import MAX_RETRIES, ScriptedProvider


class TestScriptedInferenceClient(InferenceClientContract):
    max_retries: ClassVar[int] = MAX_RETRIES

    @pytest.fixture
    def adapter(self, scripted_inference: ScriptedProvider) -> ScriptedProvider:
        return scripted_inference


class TestAnthropicInferenceClient(HttpInferenceClientContract):
    max_retries: ClassVar[int] = MAX_RETRIES
    sends_temperature: ClassVar[bool] = False
    """Anthropic's current API rejects sampling parameters, so its adapter sends none."""
    family_model = (
        "claude-3-5-haiku-20241022",
        ModelLimits(context_window=200_000, max_output_tokens=8_192, source="model family"),
    )

    @pytest.fixture
    def adapter(self, anthropic_inference: HttpProvider) -> HttpProvider:
        return anthropic_inference


class TestOpenAIInferenceClient(HttpInferenceClientContract):
    max_retries: ClassVar[int] = MAX_RETRIES
    family_model = (
        "gpt-4o-mini",
        ModelLimits(context_window=128_000, max_output_tokens=16_384, source="model family"),
    )
    default_concurrency: ClassVar[int] = 1
    """The fake server is on a loopback address, where a local server answers one request at a time."""

    @pytest.fixture
    def adapter(self, openai_inference: HttpProvider) -> HttpProvider:
        return openai_inference
