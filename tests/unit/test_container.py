"""The composition root: defaults, selection by config, overrides."""

from __future__ import annotations

from dependency_injector import providers

from semiont_jobs import (
    Container,
    InMemoryContentFetcher,
    InMemoryEventBus,
    InMemoryJobStore,
    ScriptedInferenceClient,
)


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
