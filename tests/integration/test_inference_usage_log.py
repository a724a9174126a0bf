"""Each call of our real inference adapters logs its token usage on ``semiont_jobs.inference``."""

from __future__ import annotations

import logging

import pytest

from semiont_jobs.testing import HttpProvider, Reply
from tests.support.inference_harnesses import (  # noqa: F401  (fixtures)
    MODEL,
    anthropic_inference,
    openai_inference,
)

PROMPT = "List the people named in: Alice met Bob in Paris."


@pytest.fixture(params=["anthropic_inference", "openai_inference"])
def http_adapter(request: pytest.FixtureRequest) -> HttpProvider:
    harness: HttpProvider = request.getfixturevalue(request.param)
    return harness


async def test_each_call_logs_its_usage(http_adapter: HttpProvider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="semiont_jobs.inference")
    http_adapter.behaves_like(Reply(("Alice, Bob",), input_tokens=57, output_tokens=4))

    await http_adapter.client.generate_text(PROMPT, 50, 0.0)

    [record] = [r for r in caplog.records if r.name == "semiont_jobs.inference"]
    assert record.levelno == logging.INFO
    fields = vars(record)
    assert (fields["provider"], fields["model"]) == (http_adapter.provider, MODEL)
    assert (fields["input_tokens"], fields["output_tokens"]) == (57, 4)
    assert "57 input tokens, 4 output tokens" in record.getMessage()
