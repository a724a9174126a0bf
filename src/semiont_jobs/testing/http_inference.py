"""The InferenceClient contract on the wire, for a client of the Anthropic Messages or the
OpenAI Chat Completions API: what it sends, how it retries, that its key stays secret, and
(:mod:`~semiont_jobs.testing.http_model_calls`) how it meets its model."""

from __future__ import annotations

import logging
import traceback
from typing import ClassVar

import pytest

from semiont_jobs.ports.errors import InferenceError
from semiont_jobs.testing.http_model_calls import HttpModelCallsContract
from semiont_jobs.testing.inference import HttpProvider, InferenceClientContract
from semiont_jobs.testing.outcomes import Failure, Hang, Reply

WIRE_PROMPT = "List the people named in: Alice met Bob in Paris."


class HttpInferenceClientContract(HttpModelCallsContract, InferenceClientContract):
    """Subclass it and override the ``adapter`` fixture to yield an :class:`HttpProvider`:
    your client, configured with ``max_retries`` (the SDK's retries, which the retry tests
    here are about), a short timeout, the harness's model and key, and the ``base_url`` of
    a fake server (``start_fake_anthropic(key)`` or ``start_fake_openai(key)``), with a
    ``configure`` that builds more clients of that server; close it with its ``aclose``.

    ``sends_temperature``: the client sends the temperature it is given (Anthropic's
    current API refuses one); ``logs_at_debug``: the client or its HTTP library logs at
    DEBUG, so the key-secrecy test has log lines to search; ``redacted`` is what stands in
    an error message where the key was.
    """

    __test__ = False
    sends_temperature: ClassVar[bool] = True
    logs_at_debug: ClassVar[bool] = True
    redacted: ClassVar[str] = "[redacted]"

    async def test_the_request_carries_the_model_prompt_and_limits(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(Reply(("Alice, Bob",)))

        await adapter.client.generate_text(WIRE_PROMPT, 123, 0.25)

        [request] = adapter.server.requests
        assert adapter.server.wire.requested(request.body) == {
            "model": adapter.model,
            "prompt": WIRE_PROMPT,
            "max_tokens": 123,
            "temperature": 0.25 if self.sends_temperature else None,
        }
        assert request.body["messages"] == [{"role": "user", "content": WIRE_PROMPT}]

    async def test_retry_after_is_honoured(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(Failure(429, retry_after=0.3), Reply(("Alice, Bob",)))

        assert await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0) == "Alice, Bob"

        first, second = adapter.server.requests
        assert second.at - first.at >= 0.3

    async def test_a_lasting_rate_limit_reports_how_long_to_wait(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(*[Failure(429, retry_after=0.1)] * (self.max_retries + 1))

        with pytest.raises(InferenceError) as error:
            await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0)

        assert (error.value.status, error.value.retryable) == (429, True)
        assert error.value.retry_after == pytest.approx(0.1)

    @pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 529])
    async def test_a_passing_fault_is_retried(self, adapter: HttpProvider, status: int) -> None:
        if self.max_retries < 2:
            pytest.skip(f"{type(self).__name__}.max_retries is below 2: two faults in a row are final")
        adapter.behaves_like(Failure(status), Failure(status), Reply(("Alice, Bob",)))

        assert await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0) == "Alice, Bob"
        assert adapter.requests == 3

    async def test_a_lasting_server_error_is_tried_max_retries_times(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(*[Failure(500)] * (self.max_retries + 2))

        with pytest.raises(InferenceError):
            await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0)

        assert adapter.requests == self.max_retries + 1

    async def test_a_hung_server_is_tried_max_retries_times(self, adapter: HttpProvider) -> None:
        adapter.behaves_like(*[Hang()] * (self.max_retries + 1))

        with pytest.raises(InferenceError):
            await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0)

        assert adapter.requests == self.max_retries + 1

    async def test_the_stop_terms_of_the_provider_map_to_the_ports(self, adapter: HttpProvider) -> None:
        rows = adapter.server.wire.stop_terms
        adapter.behaves_like(*[Reply(("some text",), stop=term) for term, _ in rows])

        replies = [await adapter.client.generate_text_with_metadata(WIRE_PROMPT, 50, 0.0) for _ in rows]

        assert [reply.stop_reason for reply in replies] == [expected for _, expected in rows]

    async def test_the_key_shows_in_no_log_error_or_repr(
        self, adapter: HttpProvider, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        revoked = Failure(401, message=f"the key {adapter.api_key} is revoked")
        adapter.behaves_like(Reply(("Alice, Bob",)), revoked)

        await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0)
        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(WIRE_PROMPT, 50, 0.0)

        assert f"{self.redacted} is revoked" in str(raised.value)
        assert adapter.api_key not in "".join(traceback.format_exception(raised.value))
        assert adapter.api_key not in repr(adapter.client)
        if self.logs_at_debug:
            assert caplog.records, "the client logs at DEBUG, so this test would see a leaked key"
        assert all(adapter.api_key not in record.getMessage() for record in caplog.records)
