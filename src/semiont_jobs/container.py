"""The composition root: which adapter serves which port, chosen by configuration.

Nothing is built until a provider is called, so importing this module opens no
file and connects to nothing. A larger system swaps any adapter with
``container.job_store.override(providers.Object(my_store))``.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from semiont_jobs.adapters.memory import (
    InMemoryContentFetcher,
    InMemoryEventBus,
    InMemoryJobStore,
    ScriptedInferenceClient,
)
from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore
from semiont_jobs.application.clock import utc_now
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient
from semiont_jobs.ports.job_store import JobStore

DEFAULT_CONFIG: dict[str, Any] = {
    "job_store": {"backend": "memory", "data_dir": "./data", "dsn": None, "schema": "public"},
    "event_bus": {"backend": "memory", "dsn": None},
    "inference": {"provider": "scripted"},
    "content": {"backend": "memory"},
}
"""Settings every container starts from; ``config.from_dict`` overrides any of them."""


def _first_set(*values: str | None) -> str | None:
    """The first of ``values`` that is set (``event_bus.dsn`` falls back to ``job_store.dsn``)."""
    return next((value for value in values if value), None)


class Container(containers.DeclarativeContainer):
    """Wires the ports to adapters and the application services to the ports."""

    config = providers.Configuration(default=DEFAULT_CONFIG)
    clock = providers.Object(utc_now)

    memory_job_store: providers.Provider[JobStore] = providers.Singleton(InMemoryJobStore, clock=clock)
    postgres_job_store: providers.Provider[JobStore] = providers.Singleton(
        PostgresJobStore, dsn=config.job_store.dsn, schema=config.job_store.schema
    )
    job_store: providers.Provider[JobStore] = providers.Selector(
        config.job_store.backend,
        memory=memory_job_store,
        postgres=postgres_job_store,
    )

    memory_event_bus: providers.Provider[EventBus] = providers.Singleton(InMemoryEventBus, clock=clock)
    postgres_event_bus: providers.Provider[EventBus] = providers.Singleton(
        PostgresEventBus,
        dsn=providers.Callable(_first_set, config.event_bus.dsn, config.job_store.dsn),
        schema=config.job_store.schema,
        clock=clock,
    )
    event_bus: providers.Provider[EventBus] = providers.Selector(
        config.event_bus.backend,
        memory=memory_event_bus,
        postgres=postgres_event_bus,
    )

    scripted_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        ScriptedInferenceClient
    )
    inference_client: providers.Provider[InferenceClient] = providers.Selector(
        config.inference["provider"],
        scripted=scripted_inference_client,
    )

    memory_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(InMemoryContentFetcher)
    content_fetcher: providers.Provider[ContentFetcher] = providers.Selector(
        config.content.backend,
        memory=memory_content_fetcher,
    )

    job_queue: providers.Provider[JobQueue] = providers.Singleton(
        JobQueue, store=job_store, event_bus=event_bus, clock=clock
    )
