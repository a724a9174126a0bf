"""``container.lifespan()``: opens the adapters the container built, closes them in reverse order."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from dependency_injector import providers

from semiont_jobs import Container, FilesystemJobStore, InMemoryJobStore
from semiont_jobs.ports.errors import EventBusError

PORTS = ("job_store", "event_bus", "inference_client", "content_fetcher")


@attrs.define
class Recorder:
    """Stands in for any adapter: writes ``open <name>`` / ``close <name>`` to a shared log."""

    name: str
    log: list[str]
    fail_open: bool = False

    async def open(self) -> None:
        self.log.append(f"open {self.name}")
        if self.fail_open:
            raise EventBusError(f"{self.name} cannot open")

    async def close(self) -> None:
        self.log.append(f"close {self.name}")


def recording_container(log: list[str], *, fail_open: str | None = None) -> Container:
    """A memory container whose four ports are overridden by recorders."""
    container = Container()
    container.config.job_store.backend.from_value("memory")
    for port in PORTS:
        getattr(container, port).override(providers.Object(Recorder(port, log, fail_open=port == fail_open)))
    return container


async def test_opens_each_port_once_in_order_and_closes_in_reverse() -> None:
    log: list[str] = []
    container = recording_container(log)
    container.job_queue()
    async with container.lifespan():
        container.job_store()
        container.event_bus()
        assert log == [f"open {port}" for port in PORTS]
    assert log == [f"open {port}" for port in PORTS] + [f"close {port}" for port in reversed(PORTS)]


async def test_closes_in_reverse_order_when_the_body_raises() -> None:
    log: list[str] = []
    container = recording_container(log)
    with pytest.raises(RuntimeError, match="body failed"):
        async with container.lifespan():
            raise RuntimeError("body failed")
    assert log[len(PORTS) :] == [f"close {port}" for port in reversed(PORTS)]


async def test_a_failed_open_closes_what_was_built_and_raises() -> None:
    log: list[str] = []
    container = recording_container(log, fail_open="event_bus")
    with pytest.raises(EventBusError, match="event_bus cannot open"):
        async with container.lifespan():
            pytest.fail("the body must not run")
    assert log[:2] == ["open job_store", "open event_bus"]
    assert sorted(log[2:]) == sorted(f"close {port}" for port in PORTS)
    assert log[-1] == "close job_store"
    assert log.count("close event_bus") == 1


async def test_unbuilt_adapters_are_neither_built_nor_opened_nor_closed(tmp_path: Path) -> None:
    log: list[str] = []
    container = Container()
    container.config.from_dict(
        {
            "job_store": {"backend": "memory"},
            "inference": {"provider": "anthropic", "model": "m", "api_key": None},
            "content": {"backend": "http", "url": None},
        }
    )
    container.memory_event_bus.override(providers.Object(Recorder("bus", log)))
    queue = container.job_queue()
    async with container.lifespan():
        assert isinstance(queue.store, InMemoryJobStore)
    assert log == ["open bus", "close bus"]
    assert set(container.built_adapters()) == {"job_store", "event_bus"}


async def test_the_built_filesystem_store_is_opened_and_closed(tmp_path: Path) -> None:
    container = Container()
    container.config.job_store.data_dir.from_value(str(tmp_path / "data"))
    queue = container.job_queue()
    assert isinstance(queue.store, FilesystemJobStore)
    assert not (tmp_path / "data").exists(), "building must not touch the disk"
    async with container.lifespan():
        assert (tmp_path / "data" / "jobs" / "pending").is_dir()
        assert queue.store._opened
    assert not queue.store._opened


async def test_entering_with_nothing_built_touches_nothing(tmp_path: Path) -> None:
    container = Container()
    container.config.job_store.data_dir.from_value(str(tmp_path / "data"))
    async with container.lifespan():
        pass
    assert not (tmp_path / "data").exists()
    assert container.built_adapters() == {}


async def test_an_overridden_adapter_is_opened_and_closed() -> None:
    log: list[str] = []
    container = Container()
    container.config.job_store.backend.from_value("memory")
    mine = Recorder("mine", log)
    container.job_store.override(providers.Object(mine))
    async with container.lifespan():
        assert log == ["open mine"]
    assert log == ["open mine", "close mine"]


async def test_an_adapter_first_built_inside_the_body_is_closed_on_exit() -> None:
    log: list[str] = []
    container = Container()
    container.config.job_store.backend.from_value("memory")
    container.memory_job_store.override(providers.Object(Recorder("store", log)))
    async with container.lifespan():
        container.job_store()
        assert log == []
    assert log == ["close store"]


async def test_a_nested_lifespan_leaves_the_outer_ones_adapters_open() -> None:
    log: list[str] = []
    container = recording_container(log)
    async with container.lifespan():
        async with container.lifespan():
            pass
        assert not any(entry.startswith("close") for entry in log)
        assert len(log) == len(PORTS)
    assert log.count("close job_store") == 1


async def test_a_second_lifespan_opens_again() -> None:
    log: list[str] = []
    container = recording_container(log)
    for _ in range(2):
        async with container.lifespan():
            pass
    assert log.count("open job_store") == 2 and log.count("close job_store") == 2
