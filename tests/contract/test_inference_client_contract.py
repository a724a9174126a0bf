"""The InferenceClient contract, run against every adapter.

Each scenario says how the provider behaves; each adapter's harness makes it so
(see ``inference_harnesses``).
"""

from __future__ import annotations

import pytest

from semiont_jobs.ports.errors import InferenceError
from tests.contract.conftest import INFERENCE_CLIENT_ADAPTERS
from tests.contract.inference_harnesses import MAX_RETRIES, ProviderHarness
from tests.contract.provider_outcomes import Failure, Garbled, Hang, Refusal, Reply

PROMPT = "Name the capital of France in one sentence."


@pytest.fixture(params=INFERENCE_CLIENT_ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> ProviderHarness:
    harness: ProviderHarness = request.getfixturevalue(request.param)
    return harness


class TestInferenceClientContract:
    async def test_a_plain_reply_is_its_text(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply(("The capital of France is Paris.",)))

        text = await adapter.client.generate_text(PROMPT, 200, 0.3)

        assert text == "The capital of France is Paris."

    async def test_a_reply_comes_with_its_stop_reason_and_token_usage(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply(("Paris.",), input_tokens=34, output_tokens=3))

        response = await adapter.client.generate_text_with_metadata(PROMPT, 200, 0.3)

        assert (response.text, response.stop_reason) == ("Paris.", "end_turn")
        assert (response.input_tokens, response.output_tokens) == (34, 3)

    async def test_the_text_blocks_of_a_reply_are_joined(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply(("The capital ", "of France ", "is Paris.")))

        assert await adapter.client.generate_text(PROMPT, 200, 0.3) == "The capital of France is Paris."

    async def test_a_reply_cut_off_by_max_tokens_is_returned_as_such(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(*[Reply(("The capital of",), stop="max_tokens")] * 2)

        response = await adapter.client.generate_text_with_metadata(PROMPT, 4, 0.3)
        text = await adapter.client.generate_text(PROMPT, 4, 0.3)

        assert (response.text, response.stop_reason) == ("The capital of", "max_tokens")
        assert text == "The capital of"

    async def test_successive_calls_get_successive_replies(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply(("first",)), Reply(("second",)))

        replies = [await adapter.client.generate_text(PROMPT, 50, 0.0) for _ in range(2)]

        assert replies == ["first", "second"]

    async def test_a_rate_limit_is_waited_out(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Failure(429, retry_after=0.05, message="rate limited"), Reply(("Paris.",)))

        assert await adapter.client.generate_text(PROMPT, 50, 0.3) == "Paris."

    async def test_a_lasting_server_error_is_a_retryable_failure(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(*[Failure(500, message="internal error")] * (MAX_RETRIES + 1))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        error = raised.value
        assert (error.provider, error.status, error.retryable) == (adapter.provider, 500, True)

    @pytest.mark.parametrize("status", [400, 401, 403])
    async def test_a_rejected_request_is_not_retried(self, adapter: ProviderHarness, status: int) -> None:
        adapter.behaves_like(Failure(status, message="rejected"), Reply(("never sent",)))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert (raised.value.status, raised.value.retryable) == (status, False)
        assert "rejected" in str(raised.value)
        assert adapter.requests == 1

    async def test_a_server_that_never_answers_is_a_retryable_timeout(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(*[Hang()] * (MAX_RETRIES + 1))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert (raised.value.status, raised.value.retryable) == (None, True)
        assert "no reply within" in str(raised.value)

    async def test_a_reply_that_is_not_json_is_a_retryable_failure(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Garbled())

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert raised.value.retryable is True
        assert "not valid JSON" in str(raised.value)

    async def test_an_empty_reply_is_a_retryable_failure(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply(()))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text_with_metadata(PROMPT, 50, 0.3)

        assert raised.value.retryable is True
        assert "empty reply" in str(raised.value)

    async def test_an_empty_reply_cut_off_by_max_tokens_is_final(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply((), stop="max_tokens"))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 1, 0.3)

        assert raised.value.retryable is False

    async def test_a_refusal_is_returned_with_its_reason(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Refusal("I can't help with that request."))

        response = await adapter.client.generate_text_with_metadata(PROMPT, 50, 0.3)

        assert (response.stop_reason, response.text) == ("refusal", "I can't help with that request.")

    async def test_a_refusal_raises_from_generate_text(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Refusal("I can't help with that request."))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert raised.value.retryable is False
        assert "refused" in str(raised.value)
        assert "I can't help with that request." in str(raised.value)
