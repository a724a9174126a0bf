"""The composition root: defaults, selection by config, overrides."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import providers

from semiont_jobs import (
    Container,
    FilesystemJobStore,
    InMemoryContentFetcher,
    InMemoryEventBus,
    InMemoryJobStore,
    JobId,
    ScriptedInferenceClient,
)
from tests.support.factories import pending


def container_on(data_dir: Path) -> Container:
    container = Container()
    container.config.job_store.data_dir.from_value(str(data_dir))
    return container


async def test_defaults_build_the_filesystem_store_on_the_configured_directory(tmp_path: Path) -> None:
    container = container_on(tmp_path / "data")
    queue = container.job_queue()
    assert isinstance(queue.store, FilesystemJobStore)
    assert queue.store.data_dir == tmp_path / "data"
    assert isinstance(queue.event_bus, InMemoryEventBus)
    assert isinstance(container.inference_client(), ScriptedInferenceClient)
    assert isinstance(container.content_fetcher(), InMemoryContentFetcher)
    assert container.job_queue() is queue
    await queue.open()
    try:
        await queue.create_job(pending("job-a"))
        assert (tmp_path / "data" / "jobs" / "pending" / "job-a.json").is_file()
        assert await queue.get_job(JobId("job-a")) == pending("job-a")
    finally:
        await queue.close()


def test_building_the_default_store_touches_no_file(tmp_path: Path) -> None:
    container_on(tmp_path / "data").job_store()
    assert not (tmp_path / "data").exists()


def test_memory_backend_is_selected_by_config() -> None:
    container = Container()
    container.config.job_store.backend.from_value("memory")
    assert isinstance(container.job_queue().store, InMemoryJobStore)


def test_an_override_reaches_the_queue() -> None:
    container = Container()
    mine = InMemoryJobStore()
    with container.job_store.override(providers.Object(mine)):
        assert container.job_queue().store is mine


def test_containers_do_not_share_state(tmp_path: Path) -> None:
    assert container_on(tmp_path).job_store() is not container_on(tmp_path).job_store()
