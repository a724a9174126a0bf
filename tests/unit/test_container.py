"""The composition root: defaults, selection by config, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers

from semiont_jobs import (
    ConfigurationError,
    Container,
    FilesystemEventBus,
    InMemoryContentFetcher,
    InMemoryEventBus,
    InMemoryJobStore,
    ScriptedInferenceClient,
)
from semiont_jobs.adapters.filesystem import FilesystemContentFetcher
from semiont_jobs.adapters.http import HttpContentFetcher
from semiont_jobs.container import choose_event_bus


def test_defaults_build_the_in_memory_adapters() -> None:
    container = Container()
    queue = container.job_queue()
    assert isinstance(queue.store, InMemoryJobStore)
    assert isinstance(queue.event_bus, InMemoryEventBus)
    assert isinstance(container.inference_client(), ScriptedInferenceClient)
    assert isinstance(container.content_fetcher(), InMemoryContentFetcher)
    assert container.job_queue() is queue


def test_an_override_reaches_the_queue() -> None:
    container = Container()
    mine = InMemoryJobStore()
    with container.job_store.override(providers.Object(mine)):
        assert container.job_queue().store is mine


def test_containers_do_not_share_state() -> None:
    assert Container().job_store() is not Container().job_store()


def test_the_filesystem_bus_is_chosen_by_config(tmp_path: Path) -> None:
    container = Container()
    container.config.from_dict({"event_bus": {"backend": "filesystem", "data_dir": str(tmp_path)}})
    bus = container.event_bus()
    assert isinstance(bus, FilesystemEventBus)
    assert bus.directory == tmp_path / "events"
    assert not bus.directory.exists(), "building the bus must not touch the disk"


def test_the_bus_follows_the_job_store_backend_and_data_dir(tmp_path: Path) -> None:
    assert choose_event_bus(None, "filesystem") == "filesystem"
    assert choose_event_bus(None, "postgres") == "memory"
    assert choose_event_bus("memory", "filesystem") == "memory"
    container = Container()
    container.config.from_dict({"job_store": {"data_dir": str(tmp_path)}})
    with container.config.job_store.backend.override("filesystem"):
        bus = container.event_bus()
    assert isinstance(bus, FilesystemEventBus)
    assert bus.directory == tmp_path / "events"


def test_the_bus_stays_in_memory_beside_the_memory_store() -> None:
    container = Container()
    container.config.from_dict({"job_store": {"backend": "memory"}})
    assert isinstance(container.event_bus(), InMemoryEventBus)


def test_anthropic_without_key_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    container = Container()
    container.config.from_dict({"inference": {"provider": "anthropic", "model": "claude-test"}})
    with pytest.raises(ConfigurationError) as error:
        container.inference_client()
    assert error.value.setting == "inference.api_key"
    assert error.value.env_var == "ANTHROPIC_API_KEY"


def test_openai_compatible_server_is_chosen_by_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    container = Container()
    container.config.from_dict(
        {"inference": {"provider": "openai", "model": "llama3", "base_url": "http://127.0.0.1:11434/v1"}}
    )
    client = container.inference_client()
    assert type(client).__name__ == "OpenAIInferenceClient"


def test_content_follows_the_store(tmp_path: Path) -> None:
    memory = Container()
    memory.config.from_dict({"job_store": {"backend": "memory"}})
    assert isinstance(memory.content_fetcher(), InMemoryContentFetcher)
    on_disk = Container()
    on_disk.config.from_dict({"job_store": {"backend": "filesystem", "data_dir": str(tmp_path)}})
    fetcher = on_disk.content_fetcher()
    assert isinstance(fetcher, FilesystemContentFetcher)
    assert fetcher.directory == tmp_path / "resources"
    explicit = Container()
    explicit.config.from_dict({"content": {"backend": "http", "url": "http://127.0.0.1:1/api"}})
    assert isinstance(explicit.content_fetcher(), HttpContentFetcher)
