"""The composition root: which adapter serves which port, chosen by configuration.

Nothing is built until a provider is called, and building opens no file and
connects to nothing; ``async with container.lifespan():`` opens what was built and
closes it again. The PostgreSQL, HTTP and model SDK adapters are imported when
first built. A larger system swaps any adapter with
``container.job_store.override(providers.Object(my_store))``; the lifespan opens
and closes that adapter too.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from dependency_injector import containers, providers

from semiont_jobs import adapter_lifespan, deferred_adapters
from semiont_jobs.adapter_choices import (
    choose_content,
    choose_event_bus,
    choose_metrics,
    either,
    inference_settings,
    resources_dir,
)
from semiont_jobs.adapters.filesystem import (
    FilesystemContentFetcher,
    FilesystemEventBus,
    FilesystemJobStore,
)
from semiont_jobs.adapters.memory import (
    InMemoryContentFetcher,
    InMemoryEventBus,
    InMemoryJobStore,
    ScriptedInferenceClient,
)
from semiont_jobs.application.detection import DetectionSettings
from semiont_jobs.application.detection.budget import configured_detection
from semiont_jobs.application.handlers import (
    AnnotationPublisher,
    AssessmentAnnotationHandler,
    BackendSettings,
    CommentAnnotationHandler,
    GenerationHandler,
    HighlightAnnotationHandler,
    ReferenceAnnotationHandler,
    SemiontHandler,
    TagAnnotationHandler,
    semiont_workers,
)
from semiont_jobs.application.health_monitor import HealthMonitor
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.application.model_call_telemetry import ModelCallTelemetry
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.ports.clock import utc_now
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient
from semiont_jobs.ports.job_metrics import NO_METRICS, JobMetrics
from semiont_jobs.ports.job_store import JobStore
from semiont_jobs.ports.model_calls import ModelCallObserver
from semiont_jobs.ports.status_server import StatusServer
from semiont_jobs.ports.tracer import NO_TRACER, Tracer
from semiont_jobs.settings_schema import DEFAULT_CONFIG, check_config

__all__ = ["DEFAULT_CONFIG", "Container", "check_config", "choose_event_bus"]


class Container(containers.DeclarativeContainer):
    """Wires the ports to adapters and the application services to the ports."""

    __self__ = providers.Self()
    config = providers.Configuration(default=DEFAULT_CONFIG)
    clock = providers.Object(utc_now)
    built_adapters: providers.Provider[dict[str, object]] = providers.Singleton(dict)
    """Port name → the adapter the container handed out for it; what the lifespan opens."""

    opentelemetry_tracer: providers.Provider[Tracer] = providers.Singleton(
        deferred_adapters.opentelemetry_tracer, exporter=config.tracing.exporter
    )
    tracer: providers.Provider[Tracer] = providers.Selector(
        config.tracing.backend,
        none=providers.Object(NO_TRACER),
        opentelemetry=adapter_lifespan.port(built_adapters, "tracer", opentelemetry_tracer),
    )
    """Spans of attempts, model calls and store transitions; ``NO_TRACER`` (no adapter) unless
    ``tracing.backend = "opentelemetry"``."""
    prometheus_job_metrics: providers.Provider[JobMetrics] = providers.Singleton(
        deferred_adapters.prometheus_job_metrics
    )
    job_metrics: providers.Provider[JobMetrics] = providers.Selector(
        providers.Callable(choose_metrics, config.workers.health_port),
        none=providers.Object(NO_METRICS),
        prometheus=prometheus_job_metrics,
    )
    model_call_observer: providers.Provider[ModelCallObserver] = providers.Singleton(
        ModelCallTelemetry, tracer=tracer, metrics=job_metrics
    )

    memory_job_store: providers.Provider[JobStore] = providers.Singleton(InMemoryJobStore, clock=clock)
    filesystem_job_store: providers.Provider[JobStore] = providers.Singleton(
        FilesystemJobStore,
        data_dir=config.job_store.data_dir,
        fsync=config.job_store.fsync,
        recycle_files=config.job_store.recycle_files,
        clock=clock,
    )
    postgres_job_store: providers.Provider[JobStore] = providers.Singleton(
        deferred_adapters.postgres_job_store, dsn=config.job_store.dsn, schema=config.job_store.schema
    )
    job_store: providers.Provider[JobStore] = adapter_lifespan.port(
        built_adapters,
        "job_store",
        providers.Selector(
            config.job_store.backend,
            memory=memory_job_store,
            filesystem=filesystem_job_store,
            postgres=postgres_job_store,
        ),
    )

    memory_event_bus: providers.Provider[EventBus] = providers.Singleton(InMemoryEventBus, clock=clock)
    filesystem_event_bus: providers.Provider[EventBus] = providers.Singleton(
        FilesystemEventBus,
        data_dir=providers.Callable(either, config.event_bus.data_dir, config.job_store.data_dir),
        fsync=config.event_bus.fsync,
        clock=clock,
    )
    postgres_event_bus: providers.Provider[EventBus] = providers.Singleton(
        deferred_adapters.postgres_event_bus,
        dsn=providers.Callable(either, config.event_bus.dsn, config.job_store.dsn),
        schema=config.job_store.schema,
        clock=clock,
    )
    event_bus: providers.Provider[EventBus] = adapter_lifespan.port(
        built_adapters,
        "event_bus",
        providers.Selector(
            providers.Callable(choose_event_bus, config.event_bus.backend, config.job_store.backend),
            memory=memory_event_bus,
            filesystem=filesystem_event_bus,
            postgres=postgres_event_bus,
        ),
    )

    scripted_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        ScriptedInferenceClient, observer=model_call_observer
    )
    _inference_settings: ClassVar[dict[str, providers.Provider[Any]]] = {
        **inference_settings(config.inference),
        "observer": model_call_observer,
    }
    """The SDK adapters' settings; each builds one call gate, so the one client of a process holds
    every worker and chunk to ``inference.max_concurrency`` calls in flight."""
    anthropic_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        deferred_adapters.anthropic_inference_client, **_inference_settings
    )
    openai_inference_client: providers.Provider[InferenceClient] = providers.Singleton(
        deferred_adapters.openai_inference_client, **_inference_settings
    )
    inference_client: providers.Provider[InferenceClient] = adapter_lifespan.port(
        built_adapters,
        "inference_client",
        providers.Selector(
            config.inference["provider"],
            scripted=scripted_inference_client,
            anthropic=anthropic_inference_client,
            openai=openai_inference_client,
        ),
    )

    memory_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(InMemoryContentFetcher)
    directory_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(
        FilesystemContentFetcher,
        directory=providers.Callable(resources_dir, config.content.dir, config.job_store.data_dir),
    )
    http_content_fetcher: providers.Provider[ContentFetcher] = providers.Singleton(
        deferred_adapters.http_content_fetcher, base_url=config.content.url, token=config.content.token
    )
    content_fetcher: providers.Provider[ContentFetcher] = adapter_lifespan.port(
        built_adapters,
        "content_fetcher",
        providers.Selector(
            providers.Callable(choose_content, config.content.backend, config.job_store.backend),
            memory=memory_content_fetcher,
            directory=directory_content_fetcher,
            http=http_content_fetcher,
        ),
    )

    tracer_lifespan: providers.Provider[Tracer] = providers.Resource(adapter_lifespan.opened, tracer)
    job_store_lifespan: providers.Provider[JobStore] = providers.Resource(adapter_lifespan.opened, job_store)
    event_bus_lifespan: providers.Provider[EventBus] = providers.Resource(adapter_lifespan.opened, event_bus)
    inference_client_lifespan: providers.Provider[InferenceClient] = providers.Resource(
        adapter_lifespan.opened, inference_client
    )
    content_fetcher_lifespan: providers.Provider[ContentFetcher] = providers.Resource(
        adapter_lifespan.opened, content_fetcher
    )
    lifespan: providers.Provider[contextlib.AbstractAsyncContextManager[None]] = providers.Factory(
        adapter_lifespan.lifespan, __self__
    )
    """``async with container.lifespan():`` opens the adapters built so far (tracer, job store, event
    bus, inference client, content fetcher, in this order; an override counts as built) and closes
    them on exit in reverse order, also when the body raised. An adapter never built is left alone."""

    job_queue: providers.Provider[JobQueue] = providers.Singleton(
        JobQueue, store=job_store, event_bus=event_bus, clock=clock, tracer=tracer
    )
    health_monitor: providers.Provider[HealthMonitor] = providers.Factory(
        HealthMonitor,
        queue=job_queue,
        interval=config.workers.health_interval.as_float(),
        metrics=job_metrics,
    )
    """Call it with ``workers=``: the worker runtimes whose loops it watches."""
    status_server: providers.Provider[StatusServer] = providers.Factory(
        deferred_adapters.prometheus_status_server,
        metrics=prometheus_job_metrics,
        host=config.workers.health_host,
        port=config.workers.health_port,
    )
    """Call it with ``health=``: ``/health`` and ``/metrics`` on ``workers.health_host:health_port``."""

    backend_settings: providers.Provider[BackendSettings] = providers.Factory(
        BackendSettings, public_url=config.workers.public_url
    )
    worker_settings: providers.Provider[WorkerSettings] = providers.Factory(
        WorkerSettings,
        concurrency=config.workers.concurrency.as_int(),
        prefetch=config.workers.prefetch.as_int(),
        stop_grace=config.workers.stop_grace.as_float(),
        job_timeout=config.workers.job_timeout,
        stall_timeout=config.workers.stall_timeout,
        timeout_grace=config.workers.timeout_grace.as_float(),
    )
    annotation_publisher: providers.Provider[AnnotationPublisher] = providers.Factory(
        AnnotationPublisher,
        event_bus=event_bus,
        backend=backend_settings,
        clock=clock,
        offset_unit=config.workers.offset_unit,
    )
    detection_settings: providers.Provider[DetectionSettings] = providers.Factory(
        configured_detection,
        chunk_tokens=config.detection.chunk_tokens.as_int(),
        overlap_tokens=config.detection.overlap_tokens.as_int(),
        chunk_retries=config.detection.chunk_retries.as_int(),
        max_failed_chunk_share=config.detection.max_failed_chunk_share.as_float(),
    )
    _detection_collaborators: ClassVar[dict[str, providers.Provider[Any]]] = {
        "inference": inference_client,
        "content": content_fetcher,
        "annotations": annotation_publisher,
        "settings": detection_settings,
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
        metrics=job_metrics,
    )
    """One worker runtime per handler with the Semiont lifecycle events; building them raises
    ``ConfigurationError`` without ``workers.public_url``."""
