"""The InferenceClient contract: how a client answers whatever its model does.

Each test tells the suite's harness how the provider behaves (a list of
:mod:`~semiont_jobs.testing.outcomes`, one per request) and checks what the client
hands back. A client that speaks the Anthropic Messages or OpenAI Chat Completions API
over HTTP is pointed at the fake servers shipped here (:class:`HttpProvider`); any other
client comes with a harness of its own that makes its provider behave so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol, get_args

import attrs
import pytest

from semiont_jobs.ports.errors import ContextLengthExceededError, InferenceError
from semiont_jobs.ports.inference_client import InferenceClient, LimitsSource
from semiont_jobs.testing.contract import Contract, requires
from semiont_jobs.testing.fake_provider_server import FakeProviderServer
from semiont_jobs.testing.outcomes import Failure, Garbled, Hang, Outcome, Refusal, Reply, TooLong

PROMPT = "Name the capital of France in one sentence."


class ProviderHarness(Protocol):
    """A client under contract and the provider behind it, whose behaviour a test sets."""

    @property
    def provider(self) -> str:
        """The provider name the client's errors carry."""
        ...

    @property
    def client(self) -> InferenceClient: ...

    def behaves_like(self, *outcomes: Outcome) -> None:
        """Queue what the provider does with each coming request."""

    @property
    def requests(self) -> int:
        """How many requests reached the provider."""
        ...


@attrs.define
class HttpProvider:
    """A client talking HTTP to a fake provider server; the harness for such clients."""

    provider: str
    client: InferenceClient
    server: FakeProviderServer
    model: str
    """The model the client was configured with."""
    api_key: str
    """The key the client was given (and the server accepts)."""
    configure: Callable[..., InferenceClient]
    """Builds another client of the same server, key and model, with the settings it is given
    (``timeout``, ``max_retries``, ``max_concurrency``, ``context_window``, ``max_output_tokens``,
    ``structured_output``, ``model``) and the client's defaults for the others."""
    built: list[InferenceClient] = attrs.field(factory=list)

    def behaves_like(self, *outcomes: Outcome) -> None:
        self.server.queue(*outcomes)

    @property
    def requests(self) -> int:
        return len(self.server.requests)

    def configured(self, **settings: Any) -> InferenceClient:
        """A client built by :attr:`configure`, closed by :meth:`aclose`."""
        self.built.append(self.configure(**settings))
        return self.built[-1]

    async def aclose(self) -> None:
        """Close the client and every client :meth:`configured` built."""
        for client in (self.client, *self.built):
            closing = getattr(client, "aclose", None)
            if closing is not None:
                await closing()


class InferenceClientContract(Contract):
    """Subclass it and override the ``adapter`` fixture to yield a :class:`ProviderHarness`
    around your client.

    ``max_retries`` is how many times the client tries a retryable failure again before it
    raises (configure your client so); ``reports_token_usage`` whether replies carry
    token counts; ``timeout_message`` and ``garbled_message`` a phrase the error's message
    holds when the provider never answers, or answers with broken JSON.
    """

    __test__ = False

    max_retries: ClassVar[int] = 2
    reports_token_usage: ClassVar[bool] = True
    timeout_message: ClassVar[str] = "no reply within"
    garbled_message: ClassVar[str] = "not valid JSON"

    @pytest.fixture
    def adapter(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must override the adapter fixture")

    async def test_a_plain_reply_is_its_text(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Reply(("The capital of France is Paris.",)))

        text = await adapter.client.generate_text(PROMPT, 200, 0.3)

        assert text == "The capital of France is Paris."

    @requires("reports_token_usage")
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
        if self.max_retries < 1:
            pytest.skip(f"{type(self).__name__}.max_retries is 0: the client waits nothing out")
        adapter.behaves_like(Failure(429, retry_after=0.05, message="rate limited"), Reply(("Paris.",)))

        assert await adapter.client.generate_text(PROMPT, 50, 0.3) == "Paris."

    async def test_a_lasting_server_error_is_a_retryable_failure(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(*[Failure(500, message="internal error")] * (self.max_retries + 1))

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
        adapter.behaves_like(*[Hang()] * (self.max_retries + 1))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert (raised.value.status, raised.value.retryable) == (None, True)
        assert self.timeout_message in str(raised.value)

    async def test_a_reply_that_is_not_json_is_a_retryable_failure(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Garbled())

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert raised.value.retryable is True
        assert self.garbled_message in str(raised.value)

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

    async def test_a_prompt_too_long_for_the_window_is_not_retryable(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(TooLong(), Reply(("never sent",)))

        with pytest.raises(ContextLengthExceededError) as raised:
            await adapter.client.generate_text_with_metadata(PROMPT, 50, 0.3)

        assert (raised.value.provider, raised.value.retryable) == (adapter.provider, False)
        assert adapter.requests == 1

    async def test_the_model_limits_leave_room_for_a_prompt(self, adapter: ProviderHarness) -> None:
        limits = await adapter.client.model_limits()

        assert 0 < limits.max_output_tokens < limits.context_window
        assert limits.source in get_args(LimitsSource)

    async def test_a_refusal_raises_from_generate_text(self, adapter: ProviderHarness) -> None:
        adapter.behaves_like(Refusal("I can't help with that request."))

        with pytest.raises(InferenceError) as raised:
            await adapter.client.generate_text(PROMPT, 50, 0.3)

        assert raised.value.retryable is False
        assert "refused" in str(raised.value)
        assert "I can't help with that request." in str(raised.value)
