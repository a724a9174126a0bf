"""What the real inference adapters do on the wire: the requests they send, their
retries, the secrecy of the key and the usage they log. Each runs through its SDK
against a fake of its provider on 127.0.0.1."""

from __future__ import annotations

import logging
import traceback

import pytest

from semiont_jobs.ports.errors import InferenceError
from tests.contract.inference_harnesses import (
    API_KEY,
    HTTP_INFERENCE_ADAPTERS,
    MAX_RETRIES,
    MODEL,
    HttpProvider,
)
from tests.contract.provider_outcomes import Failure, Hang, Reply

PROMPT = "List the people named in: Alice met Bob in Paris."

SENT_TEMPERATURE = {"anthropic": None, "openai": 0.25}
"""Anthropic's current API rejects sampling parameters, so its adapter sends none."""

PROVIDER_STOP_TERMS = {
    "anthropic": [
        ("end_turn", "end_turn"),
        ("stop_sequence", "stop_sequence"),
        ("max_tokens", "max_tokens"),
        ("model_context_window_exceeded", "max_tokens"),
        ("pause_turn", "unknown"),
    ],
    "openai": [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("content_filter", "refusal"),
        ("tool_calls", "unknown"),
    ],
}


@pytest.fixture(params=HTTP_INFERENCE_ADAPTERS)
def http_adapter(request: pytest.FixtureRequest) -> HttpProvider:
    harness: HttpProvider = request.getfixturevalue(request.param)
    return harness


class TestInferenceAdaptersOverHttp:
    async def test_the_request_carries_the_model_prompt_and_limits(self, http_adapter: HttpProvider) -> None:
        http_adapter.behaves_like(Reply(("Alice, Bob",)))

        await http_adapter.client.generate_text(PROMPT, 123, 0.25)

        [request] = http_adapter.server.requests
        assert http_adapter.requested(request.body) == {
            "model": MODEL,
            "prompt": PROMPT,
            "max_tokens": 123,
            "temperature": SENT_TEMPERATURE[http_adapter.provider],
        }
        assert request.body["messages"] == [{"role": "user", "content": PROMPT}]

    async def test_retry_after_is_honoured(self, http_adapter: HttpProvider) -> None:
        http_adapter.behaves_like(Failure(429, retry_after=0.3), Reply(("Alice, Bob",)))

        assert await http_adapter.client.generate_text(PROMPT, 50, 0.0) == "Alice, Bob"

        first, second = http_adapter.server.requests
        assert second.at - first.at >= 0.3

    async def test_a_lasting_rate_limit_reports_how_long_to_wait(self, http_adapter: HttpProvider) -> None:
        http_adapter.behaves_like(*[Failure(429, retry_after=0.1)] * (MAX_RETRIES + 1))

        with pytest.raises(InferenceError) as error:
            await http_adapter.client.generate_text(PROMPT, 50, 0.0)

        assert (error.value.status, error.value.retryable) == (429, True)
        assert error.value.retry_after == pytest.approx(0.1)

    @pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 529])
    async def test_a_passing_fault_is_retried(self, http_adapter: HttpProvider, status: int) -> None:
        http_adapter.behaves_like(Failure(status), Failure(status), Reply(("Alice, Bob",)))

        assert await http_adapter.client.generate_text(PROMPT, 50, 0.0) == "Alice, Bob"
        assert http_adapter.requests == 3

    async def test_a_lasting_server_error_is_tried_max_retries_times(
        self, http_adapter: HttpProvider
    ) -> None:
        http_adapter.behaves_like(*[Failure(500)] * (MAX_RETRIES + 2))

        with pytest.raises(InferenceError):
            await http_adapter.client.generate_text(PROMPT, 50, 0.0)

        assert http_adapter.requests == MAX_RETRIES + 1

    async def test_a_hung_server_is_tried_max_retries_times(self, http_adapter: HttpProvider) -> None:
        http_adapter.behaves_like(*[Hang()] * (MAX_RETRIES + 1))

        with pytest.raises(InferenceError):
            await http_adapter.client.generate_text(PROMPT, 50, 0.0)

        assert http_adapter.requests == MAX_RETRIES + 1

    async def test_the_stop_terms_of_the_provider_map_to_the_ports(self, http_adapter: HttpProvider) -> None:
        rows = PROVIDER_STOP_TERMS[http_adapter.provider]
        http_adapter.behaves_like(*[Reply(("some text",), stop=term) for term, _ in rows])

        replies = [await http_adapter.client.generate_text_with_metadata(PROMPT, 50, 0.0) for _ in rows]

        assert [reply.stop_reason for reply in replies] == [expected for _, expected in rows]

    async def test_each_call_logs_its_usage(
        self, http_adapter: HttpProvider, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="semiont_jobs.inference")
        http_adapter.behaves_like(Reply(("Alice, Bob",), input_tokens=57, output_tokens=4))

        await http_adapter.client.generate_text(PROMPT, 50, 0.0)

        [record] = [r for r in caplog.records if r.name == "semiont_jobs.inference"]
        assert record.levelno == logging.INFO
        fields = vars(record)
        assert (fields["provider"], fields["model"]) == (http_adapter.provider, MODEL)
        assert (fields["input_tokens"], fields["output_tokens"]) == (57, 4)
        assert "57 input tokens, 4 output tokens" in record.getMessage()

    async def test_the_key_shows_in_no_log_error_or_repr(
        self, http_adapter: HttpProvider, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        revoked = Failure(401, message=f"the key {API_KEY} is revoked")
        http_adapter.behaves_like(Reply(("Alice, Bob",)), revoked)

        await http_adapter.client.generate_text(PROMPT, 50, 0.0)
        with pytest.raises(InferenceError) as raised:
            await http_adapter.client.generate_text(PROMPT, 50, 0.0)

        assert "[redacted] is revoked" in str(raised.value)
        assert API_KEY not in "".join(traceback.format_exception(raised.value))
        assert API_KEY not in repr(http_adapter.client)
        assert caplog.records, "the SDKs log at DEBUG, so this test would see a leaked key"
        assert all(API_KEY not in record.getMessage() for record in caplog.records)
