"""How the real inference adapters take their settings: arguments, environment
fallbacks, and clear errors for what is missing or wrong."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar, cast

import pytest

from semiont_jobs import Container
from semiont_jobs.adapters.anthropic import AnthropicInferenceClient
from semiont_jobs.adapters.helpers.call_gate import is_loopback, max_concurrency
from semiont_jobs.adapters.openai import OpenAIInferenceClient
from semiont_jobs.adapters.openai.inference_client import LOCAL_SERVER_KEY
from semiont_jobs.ports.errors import ConfigurationError, InferenceError
from semiont_jobs.ports.inference_client import ModelLimits, ReplyFormat
from semiont_jobs.testing import Failure, FakeProviderServer, Reply, start_fake_anthropic, start_fake_openai

MODEL = "test-model-2"
KEY = "sk-settings-test-key"
ENV_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL")

Client = AnthropicInferenceClient | OpenAIInferenceClient
ADAPTERS: dict[str, tuple[type[Client], str]] = {
    "anthropic": (AnthropicInferenceClient, "ANTHROPIC_API_KEY"),
    "openai": (OpenAIInferenceClient, "OPENAI_API_KEY"),
}
STARTERS: dict[str, Callable[[str], FakeProviderServer]] = {
    "anthropic": start_fake_anthropic,
    "openai": start_fake_openai,
}
API_PATHS = {"anthropic": "", "openai": "/v1"}


@pytest.fixture(autouse=True)
def no_provider_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


C = TypeVar("C", bound=Client)


class Fakes:
    """Starts fake provider servers and keeps clients, to close them all after the test."""

    def __init__(self) -> None:
        self.servers: list[FakeProviderServer] = []
        self.clients: list[Client] = []

    def server(self, provider: str, key: str) -> FakeProviderServer:
        self.servers.append(STARTERS[provider](key))
        return self.servers[-1]

    def client(self, client: C) -> C:
        self.clients.append(client)
        return client


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    made = Fakes()
    yield made
    for client in made.clients:
        await client.aclose()
    for server in made.servers:
        server.close()


def base_url(provider: str, server: FakeProviderServer) -> str:
    return server.url + API_PATHS[provider]


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
class TestSettingsOfEitherAdapter:
    def test_a_missing_model_is_named(self, provider: str) -> None:
        adapter_class, _ = ADAPTERS[provider]

        with pytest.raises(ConfigurationError) as raised:
            adapter_class(api_key=KEY)

        assert raised.value.setting == "inference.model"
        assert "inference.model" in str(raised.value)

    @pytest.mark.parametrize("key", [None, "", "   "])
    def test_a_missing_key_is_named_with_its_variable(self, provider: str, key: str | None) -> None:
        adapter_class, env_var = ADAPTERS[provider]

        with pytest.raises(ConfigurationError) as raised:
            adapter_class(model=MODEL, api_key=key)

        assert (raised.value.setting, raised.value.env_var) == ("inference.api_key", env_var)
        assert env_var in str(raised.value)

    @pytest.mark.parametrize(
        ("settings", "named"),
        [
            ({"timeout": 0}, "inference.timeout"),
            ({"timeout": "30"}, "inference.timeout"),
            ({"timeout": float("nan")}, "inference.timeout"),
            ({"max_retries": -1}, "inference.max_retries"),
            ({"max_retries": 1.5}, "inference.max_retries"),
            ({"max_concurrency": 0}, "inference.max_concurrency"),
            ({"max_concurrency": "4"}, "inference.max_concurrency"),
            ({"context_window": 0}, "inference.context_window"),
            ({"max_output_tokens": True}, "inference.max_output_tokens"),
            ({"context_window": 4096, "max_output_tokens": 4096}, "inference.max_output_tokens"),
            ({"structured_output": "json"}, "inference.structured_output"),
        ],
    )
    def test_a_bad_number_is_named(self, provider: str, settings: dict[str, Any], named: str) -> None:
        adapter_class, _ = ADAPTERS[provider]

        with pytest.raises(ConfigurationError) as raised:
            adapter_class(model=MODEL, api_key=KEY, **settings)

        assert raised.value.setting == named

    async def test_the_key_falls_back_to_the_environment(
        self, provider: str, monkeypatch: pytest.MonkeyPatch, fakes: Fakes
    ) -> None:
        adapter_class, env_var = ADAPTERS[provider]
        server = fakes.server(provider, KEY)
        server.queue(Reply(("ok",)))
        monkeypatch.setenv(env_var, KEY)
        client = fakes.client(adapter_class(model=MODEL, base_url=base_url(provider, server)))

        assert await client.generate_text("hello", 20, 0.0) == "ok"

    async def test_max_retries_is_given_to_the_sdk(self, provider: str, fakes: Fakes) -> None:
        adapter_class, _ = ADAPTERS[provider]
        server = fakes.server(provider, KEY)
        server.queue(Failure(503), Reply(("not reached",)))
        url = base_url(provider, server)
        client = fakes.client(adapter_class(model=MODEL, api_key=KEY, base_url=url, max_retries=0))

        with pytest.raises(InferenceError) as raised:
            await client.generate_text("hello", 20, 0.0)

        assert (raised.value.status, len(server.requests)) == (503, 1)

    def test_the_repr_names_the_model_and_hides_the_key(self, provider: str) -> None:
        adapter_class, _ = ADAPTERS[provider]

        shown = repr(adapter_class(model=MODEL, api_key=KEY, base_url="http://127.0.0.1:9/v1"))

        assert MODEL in shown
        assert KEY not in shown


class TestOpenAICompatibleServers:
    async def test_a_server_at_a_base_url_needs_no_key(self, fakes: Fakes) -> None:
        server = fakes.server("openai", LOCAL_SERVER_KEY)
        server.queue(Reply(("local answer",)))
        client = fakes.client(OpenAIInferenceClient(model="llama3.2", base_url=base_url("openai", server)))

        assert await client.generate_text("hello", 20, 0.0) == "local answer"

    async def test_the_base_url_falls_back_to_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, fakes: Fakes
    ) -> None:
        server = fakes.server("openai", KEY)
        server.queue(Reply(("from the environment's server",)))
        monkeypatch.setenv("OPENAI_BASE_URL", base_url("openai", server))
        client = fakes.client(OpenAIInferenceClient(model=MODEL, api_key=KEY))

        assert await client.generate_text("hello", 20, 0.0) == "from the environment's server"

    @pytest.mark.parametrize(
        ("chosen", "sent"),
        [
            (None, "max_tokens"),
            ("max_tokens", "max_tokens"),
            ("max_completion_tokens", "max_completion_tokens"),
        ],
    )
    async def test_the_token_limit_goes_in_the_chosen_field(
        self, fakes: Fakes, chosen: Any, sent: str
    ) -> None:
        server = fakes.server("openai", KEY)
        server.queue(Reply(("ok",)))
        url = base_url("openai", server)
        client = fakes.client(
            OpenAIInferenceClient(model=MODEL, api_key=KEY, base_url=url, max_tokens_parameter=chosen)
        )

        await client.generate_text("hello", 77, 0.0)

        body = server.requests[0].body
        assert [name for name in ("max_tokens", "max_completion_tokens") if name in body] == [sent]
        assert body[sent] == 77


@pytest.mark.parametrize(
    ("base_url", "local"),
    [
        ("http://localhost:11434/v1", True),
        ("http://127.0.0.1:8089/v1", True),
        ("http://127.1.2.3:8000/v1", True),
        ("http://[::1]:8080/v1", True),
        ("http://models.localhost/v1", True),
        ("http://10.0.0.7:8000/v1", False),
        ("https://api.openai.com/v1", False),
        (None, False),
    ],
)
def test_a_server_on_a_loopback_address_is_local(base_url: str | None, local: bool) -> None:
    assert is_loopback(base_url) is local
    assert max_concurrency(None, local_server=local) == (1 if local else 4)
    assert max_concurrency(3, local_server=local) == 3


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
async def test_the_container_gives_the_adapter_its_limits_and_gate(provider: str, fakes: Fakes) -> None:
    server = fakes.server(provider, KEY)
    server.queue(*[Reply(("ok",), delay=0.3)] * 5)
    container = Container()
    settings = {"provider": provider, "model": MODEL, "api_key": KEY, "base_url": base_url(provider, server)}
    container.config.from_dict(
        {"inference": {**settings, "max_concurrency": 2, "context_window": 9_000, "max_output_tokens": 700}}
    )
    client = fakes.client(cast(Client, container.inference_client()))

    limits = await client.model_limits()
    await asyncio.gather(*(client.generate_text("hello", 20, 0.0) for _ in range(5)))

    assert limits == ModelLimits(context_window=9_000, max_output_tokens=700, source="configured")
    assert server.peak_in_flight == 2 and server.lookups == []


async def test_the_container_passes_structured_output(fakes: Fakes) -> None:
    server = fakes.server("openai", KEY)
    server.queue(Reply(("{}",)))
    container = Container()
    settings = {"provider": "openai", "model": MODEL, "api_key": KEY, "base_url": base_url("openai", server)}
    container.config.from_dict({"inference": {**settings, "structured_output": "off"}})
    client = fakes.client(cast(Client, container.inference_client()))
    shape = ReplyFormat(name="empty", schema={"type": "object"})

    reply = await client.generate_text_with_metadata("hello", 20, 0.0, reply_format=shape)

    assert "response_format" not in server.requests[0].body and reply.structured is False


async def test_openai_itself_is_not_asked_for_limits(fakes: Fakes) -> None:
    client = fakes.client(OpenAIInferenceClient(model="gpt-4.1-mini", api_key=KEY))
    unknown = fakes.client(OpenAIInferenceClient(model="my-own-model", api_key=KEY))

    assert await client.model_limits() == ModelLimits(
        context_window=1_047_576, max_output_tokens=32_768, source="model family"
    )
    assert (await unknown.model_limits()).source == "default"


class TimedCalls:
    """A model call observer that keeps how long each call it saw took."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    @contextlib.contextmanager
    def call(self, provider: str, model: str) -> Iterator[Any]:
        started = time.monotonic()
        try:
            yield self
        finally:
            self.seconds.append(time.monotonic() - started)

    def replied(self, response: Any) -> None:
        """Nothing to keep."""


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
async def test_a_call_is_observed_from_when_it_passed_the_gate(provider: str, fakes: Fakes) -> None:
    adapter_class, _ = ADAPTERS[provider]
    server = fakes.server(provider, KEY)
    server.queue(*[Reply(("ok",), delay=0.4)] * 3)
    observer = TimedCalls()
    url = base_url(provider, server)
    client = fakes.client(
        adapter_class(model=MODEL, api_key=KEY, base_url=url, max_concurrency=1, observer=observer)
    )

    await asyncio.gather(*(client.generate_text("hello", 20, 0.0) for _ in range(3)))

    assert len(observer.seconds) == 3
    assert max(observer.seconds) < 0.8, "the wait at the gate is no part of a call's own time"
