"""The composition root: defaults, selection by config, overrides."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from dependency_injector import providers

from semiont_jobs import (
    ConfigurationError,
    Container,
    FilesystemEventBus,
    FilesystemJobStore,
    InMemoryEventBus,
    InMemoryJobStore,
    JobId,
    ScriptedInferenceClient,
)
from semiont_jobs.adapters.filesystem import FilesystemContentFetcher
from semiont_jobs.adapters.http import HttpContentFetcher
from semiont_jobs.adapters.memory import InMemoryContentFetcher
from semiont_jobs.container import check_config, choose_event_bus
from semiont_jobs.testing.jobs import pending


def container_on(data_dir: Path) -> Container:
    container = Container()
    container.config.job_store.data_dir.from_value(str(data_dir))
    return container


async def test_defaults_are_the_embedded_filesystem_adapters(tmp_path: Path) -> None:
    container = container_on(tmp_path / "data")
    queue = container.job_queue()
    assert isinstance(queue.store, FilesystemJobStore)
    assert queue.store.data_dir == tmp_path / "data"
    assert isinstance(queue.event_bus, FilesystemEventBus)
    assert queue.event_bus.directory == tmp_path / "data" / "events"
    assert isinstance(container.inference_client(), ScriptedInferenceClient)
    fetcher = container.content_fetcher()
    assert isinstance(fetcher, FilesystemContentFetcher)
    assert fetcher.directory == tmp_path / "data" / "resources"
    assert container.job_queue() is queue
    await queue.open()
    try:
        await queue.create_job(pending("job-a"))
        assert (tmp_path / "data" / "jobs" / "pending" / "job-a.json").is_file()
        assert await queue.get_job(JobId("job-a")) == pending("job-a")
    finally:
        await queue.close()
        await queue.event_bus.close()


@pytest.mark.parametrize("recycle", [True, False])
async def test_recycling_job_files_follows_the_setting(tmp_path: Path, recycle: bool) -> None:
    container = container_on(tmp_path / "data")
    container.config.job_store.recycle_files.from_value(recycle)
    store = container.job_store()
    await store.open()
    try:
        await store.create(pending("job-a"))
        claim = await store.claim("w", timedelta(minutes=1))
        assert claim is not None
        spares = tmp_path / "data" / "jobs" / ".spare"
        assert any(p.suffix == ".spare" for p in spares.glob("*")) == (recycle and sys.platform == "linux")
    finally:
        await store.close()


def test_building_the_defaults_touches_no_file(tmp_path: Path) -> None:
    container = container_on(tmp_path / "data")
    container.job_store()
    container.event_bus()
    container.content_fetcher()
    assert not (tmp_path / "data").exists()


def test_memory_backend_is_selected_by_config() -> None:
    container = Container()
    container.config.job_store.backend.from_value("memory")
    queue = container.job_queue()
    assert isinstance(queue.store, InMemoryJobStore)
    assert isinstance(queue.event_bus, InMemoryEventBus)
    assert isinstance(container.content_fetcher(), InMemoryContentFetcher)


def test_an_override_reaches_the_queue() -> None:
    container = Container()
    mine = InMemoryJobStore()
    with container.job_store.override(providers.Object(mine)):
        assert container.job_queue().store is mine


def test_containers_do_not_share_state(tmp_path: Path) -> None:
    assert container_on(tmp_path).job_store() is not container_on(tmp_path).job_store()


def test_the_filesystem_bus_is_chosen_by_config(tmp_path: Path) -> None:
    container = Container()
    container.config.from_dict(
        {
            "job_store": {"backend": "memory"},
            "event_bus": {"backend": "filesystem", "data_dir": str(tmp_path)},
        }
    )
    bus = container.event_bus()
    assert isinstance(bus, FilesystemEventBus)
    assert bus.directory == tmp_path / "events"
    assert not bus.directory.exists(), "building the bus must not touch the disk"


def test_the_bus_follows_the_job_store_backend() -> None:
    assert choose_event_bus(None, "filesystem") == "filesystem"
    assert choose_event_bus(None, "memory") == "memory"
    assert choose_event_bus("memory", "filesystem") == "memory"


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


def test_content_from_a_directory_or_a_backend(tmp_path: Path) -> None:
    explicit_dir = Container()
    explicit_dir.config.from_dict({"content": {"backend": "directory", "dir": str(tmp_path)}})
    fetcher = explicit_dir.content_fetcher()
    assert isinstance(fetcher, FilesystemContentFetcher) and fetcher.directory == tmp_path
    http = Container()
    http.config.from_dict({"content": {"backend": "http", "url": "http://127.0.0.1:1/api"}})
    assert isinstance(http.content_fetcher(), HttpContentFetcher)


def test_check_config_names_the_setting_and_the_choices() -> None:
    config = {"job_store": {"backend": "sqlite"}, "inference": {"provider": "scripted"}}
    with pytest.raises(ConfigurationError) as error:
        check_config(config)
    assert error.value.setting == "job_store.backend"
    assert "'sqlite' is not one of" in str(error.value) and "filesystem" in str(error.value)
    check_config({"job_store": {"backend": "memory"}, "inference": {"provider": "openai"}})
