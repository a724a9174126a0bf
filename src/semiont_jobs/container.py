"""The composition root: which adapter serves which port, chosen by configuration.

Nothing is built until a provider is called, so importing this module opens no
file and connects to nothing. A larger system swaps any adapter with
``container.job_store.override(providers.Object(my_store))``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from dependency_injector import containers, providers

from semiont_jobs.adapters.filesystem import (
    FilesystemContentFetcher,
    FilesystemEventBus,
    FilesystemJobStore,
)
from semiont_jobs.adapters.http import HttpContentFetcher
from semiont_jobs.adapters.memory import (
    InMemoryContentFetcher,
    InMemoryEventBus,
    InMemoryJobStore,
    ScriptedInferenceClient,
)
from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore
from semiont_jobs.application.handlers import (
    DEFAULT_CREATION_TIMEOUT,
    AnnotationPublisher,
    AssessmentAnnotationHandler,
    BackendSettings,
    CommentAnnotationHandler,
    GenerationHandler,
    HighlightAnnotationHandler,
    ReferenceAnnotationHandler,
    SemiontHandler,
    TagAnnotationHandler,
    semiont_worker,
)
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.ports.clock import utc_now
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient
from semiont_jobs.ports.job_store import JobStore

DEFAULT_CONFIG: dict[str, Any] = {
    "job_store": {
        "backend": "filesystem",
        "data_dir": "./data",
        "fsync": True,
        "dsn": None,
        "schema": "public",
    },
    "event_bus": {"backend": None, "data_dir": None, "fsync": True, "dsn": None},
    "inference": {
        "provider": "scripted",
        "model": None,
        "api_key": None,
        "base_url": None,
        "timeout": None,
        "max_retries": None,
    },
    "content": {"backend": None, "dir": None, "url": None, "token": None},
    "workers": {
        "public_url": "",
        "concurrency": 1,
        "generation_timeout": DEFAULT_CREATION_TIMEOUT,
        "offset_unit": "code-point",
    },
}
"""Settings every container starts from; ``config.from_dict`` overrides any of them.

``event_bus.backend`` unset follows ``job_store.backend`` when a bus of that name
exists (else ``memory``); ``event_bus.data_dir`` unset is ``job_store.data_dir``.
``content.backend`` unset is ``memory`` beside the memory store and ``directory``
otherwise, reading ``content.dir`` (default ``<job_store.data_dir>/resources``).
"""

EVENT_BUS_BACKENDS = ("memory", "filesystem", "postgres")


def choose_event_bus(backend: str | None, job_store_backend: str | None) -> str:
    """The event bus backend: the one configured, else the job store's when a bus has its name."""
    if backend:
        return backend
    return job_store_backend if job_store_backend in EVENT_BUS_BACKENDS else "memory"


def either(chosen: str | None, fallback: str | None) -> str | None:
    return chosen or fallback


def choose_content(backend: str | None, job_store_backend: str | None) -> str:
    """The content backend: the one configured, else memory beside the memory store, else a directory."""
    if backend:
        return backend
    return "memory" if job_store_backend == "memory" else "directory"


def resources_dir(content_dir: str | None, data_dir: str | None) -> str:
    return content_dir or str(Path(data_dir or ".") / "resources")


def sdk_inference_client(
    provider: str,
    model: str | None,
    api_key: str | None,
    base_url: str | None,
    timeout: float | None,
    max_retries: int | None,
) -> InferenceClient:
    """The Anthropic or OpenAI(-compatible) adapter; its SDK is imported only when it is chosen."""
    settings: dict[str, Any] = {
        "model": model,
        "api_key": api_key,
        "base_url": base_url,
        "timeout": timeout,
        "max_retries": max_retries,
    }
    if provider == "anthropic":
        from semiont_jobs.adapters.anthropic import AnthropicInferenceClient

        return AnthropicInferenceClient(**settings)
    from semiont_jobs.adapters.openai import OpenAIInferenceClient

    return OpenAIInferenceClient(**settings)


def semiont_workers(
    queue: JobQueue,
    handlers: list[SemiontHandler],
    event_bus: EventBus,
    backend: BackendSettings,
    settings: WorkerSettings,
) -> list[JobWorker]:
    """One worker runtime per handler, each publishing the Semiont lifecycle events."""
    return [semiont_worker(queue, handler, event_bus, backend, settings) for handler in handlers]


class Container(containers.DeclarativeContainer):
    """Wires the ports to adapters and the application services to the ports."""

    config = providers.Configuration(default=DEFAULT_CONFIG)
    clock = providers.Object(utc_now)

    memory_job_store: providers.Provider[JobStore] = providers.Singleton(InMemoryJobStore, clock=clock)
    filesystem_job_store: providers.Provider[JobStore] = providers.Singleton(
        FilesystemJobStore, data_dir=config.job_store.data_dir, fsync=config.job_store.fsync, clock=clock
    )
    postgres_job_store: providers.Provider[JobStore] = providers.Singleton(
        PostgresJobStore, dsn=config.job_store.dsn, schema=config.job_store.schema
    )
    job_store: providers.Provider[JobStore] = providers.Selector(
        config.job_store.backend,
        memory=memory_job_store,
        filesystem=filesystem_job_store,
        postgres=postgres_job_store,
    )

    memory_event_bus: providers.Provider[EventBus] = providers.Singleton(InMemoryEventBus, clock=clock)
    filesystem_event_bus: providers.Provider[EventBus] = providers.Singleton(
        FilesystemEventBus,
        data_dir=providers.Callable(either, config.event_bus.data_dir, config.job_store.data_dir),
        fsync=config.event_bus.fsync,
        clock=clock,
    )
    postgres_event_bus: providers.Provider[EventBus] = providers.Singleton(
        PostgresEventBus,
        dsn=providers.Callable(either, config.event_bus.dsn, config.job_store.dsn),
        schema=config.job_store.schema,
        clock=clock,
    )
    event_bus: providers.Provider[EventBus] = providers.Selector(
        providers.Callable(choose_event_bus, config.event_bus.backend, config.job_store.backend),
        memory=memory_event_bus,
        filesystem=filesystem_event_bus,
        postgres=postgres_event_bus,
    )

    scripted_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        ScriptedInferenceClient
    )
    _inference_settings: ClassVar[dict[str, providers.Provider[Any]]] = {
        "model": config.inference.model,
        "api_key": config.inference.api_key,
        "base_url": config.inference.base_url,
        "timeout": config.inference.timeout,
        "max_retries": config.inference.max_retries,
    }
    anthropic_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        sdk_inference_client, "anthropic", **_inference_settings
    )
    openai_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        sdk_inference_client, "openai", **_inference_settings
    )
    inference_client: providers.Provider[InferenceClient] = providers.Selector(
        config.inference["provider"],
        scripted=scripted_inference_client,
        anthropic=anthropic_inference_client,
        openai=openai_inference_client,
    )

    memory_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(InMemoryContentFetcher)
    directory_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(
        FilesystemContentFetcher,
        directory=providers.Callable(resources_dir, config.content.dir, config.job_store.data_dir),
    )
    http_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(
        HttpContentFetcher, base_url=config.content.url, token=config.content.token
    )
    content_fetcher: providers.Provider[ContentFetcher] = providers.Selector(
        providers.Callable(choose_content, config.content.backend, config.job_store.backend),
        memory=memory_content_fetcher,
        directory=directory_content_fetcher,
        http=http_content_fetcher,
    )

    job_queue: providers.Provider[JobQueue] = providers.Singleton(
        JobQueue, store=job_store, event_bus=event_bus, clock=clock
    )

    backend_settings: providers.Provider[BackendSettings] = providers.Factory(
        BackendSettings, public_url=config.workers.public_url
    )
    worker_settings: providers.Provider[WorkerSettings] = providers.Factory(
        WorkerSettings, concurrency=config.workers.concurrency.as_int()
    )
    annotation_publisher: providers.Provider[AnnotationPublisher] = providers.Factory(
        AnnotationPublisher,
        event_bus=event_bus,
        backend=backend_settings,
        clock=clock,
        offset_unit=config.workers.offset_unit,
    )
    _detection_collaborators: ClassVar[dict[str, providers.Provider[Any]]] = {
        "inference": inference_client,
        "content": content_fetcher,
        "annotations": annotation_publisher,
    }
    reference_annotation_handler: providers.Provider[SemiontHandler] = providers.Factory(
        ReferenceAnnotationHandler, **_detection_collaborators
    )
    highlight_annotation_handler: providers.Provider[SemiontHandler] = providers.Factory(
        HighlightAnnotationHandler, **_detection_collaborators
    )
    assessment_annotation_handler: providers.Provider[SemiontHandler] = providers.Factory(
        AssessmentAnnotationHandler, **_detection_collaborators
    )
    comment_annotation_handler: providers.Provider[SemiontHandler] = providers.Factory(
        CommentAnnotationHandler, **_detection_collaborators
    )
    tag_annotation_handler: providers.Provider[SemiontHandler] = providers.Factory(
        TagAnnotationHandler, **_detection_collaborators
    )
    generation_handler: providers.Provider[SemiontHandler] = providers.Factory(
        GenerationHandler,
        inference=inference_client,
        event_bus=event_bus,
        backend=backend_settings,
        creation_timeout=config.workers.generation_timeout.as_float(),
    )
    handlers: providers.Provider[list[SemiontHandler]] = providers.List(
        reference_annotation_handler,
        highlight_annotation_handler,
        assessment_annotation_handler,
        comment_annotation_handler,
        tag_annotation_handler,
        generation_handler,
    )
    """The six Semiont handlers, wired to the configured ports."""
    workers: providers.Provider[list[JobWorker]] = providers.Factory(
        semiont_workers,
        queue=job_queue,
        handlers=handlers,
        event_bus=event_bus,
        backend=backend_settings,
        settings=worker_settings,
    )
    """All six workers, wired; building them raises ``ConfigurationError`` without ``workers.public_url``."""


_CHOICES: dict[str, tuple[str, bool]] = {
    "job_store.backend": ("job_store", False),
    "event_bus.backend": ("event_bus", True),
    "inference.provider": ("inference_client", False),
    "content.backend": ("content_fetcher", True),
}


def check_config(config: Mapping[str, Any]) -> None:
    """Raise ``ConfigurationError`` for a backend or provider name no adapter answers to."""
    for key, (provider, optional) in _CHOICES.items():
        section, _, name = key.partition(".")
        value = (config.get(section) or {}).get(name)
        if value is None and optional:
            continue
        selector = getattr(Container, provider)
        assert isinstance(selector, providers.Selector)
        choices = sorted(selector.providers)
        if value not in choices:
            raise ConfigurationError(key, f"{value!r} is not one of {', '.join(choices)}")
