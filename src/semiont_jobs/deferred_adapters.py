"""Constructors of the adapters whose technology is heavy to import: each imports it on its first call.

``import semiont_jobs`` thus loads neither psycopg, httpx, a model provider's SDK,
prometheus_client nor OpenTelemetry; the container builds these adapters through
the functions below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from semiont_jobs.adapters.anthropic import AnthropicInferenceClient
    from semiont_jobs.adapters.http import HttpContentFetcher
    from semiont_jobs.adapters.openai import OpenAIInferenceClient
    from semiont_jobs.adapters.opentelemetry import OpenTelemetryTracer
    from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore
    from semiont_jobs.adapters.prometheus import PrometheusJobMetrics, PrometheusStatusServer
    from semiont_jobs.ports.status_server import HealthCheck


def postgres_job_store(dsn: str, **settings: Any) -> PostgresJobStore:
    from semiont_jobs.adapters import postgres

    return postgres.PostgresJobStore(dsn, **settings)


def postgres_event_bus(dsn: str, **settings: Any) -> PostgresEventBus:
    from semiont_jobs.adapters import postgres

    return postgres.PostgresEventBus(dsn, **settings)


def http_content_fetcher(base_url: str | None, **settings: Any) -> HttpContentFetcher:
    from semiont_jobs.adapters import http

    return http.HttpContentFetcher(base_url, **settings)


def anthropic_inference_client(**settings: Any) -> AnthropicInferenceClient:
    from semiont_jobs.adapters import anthropic

    return anthropic.AnthropicInferenceClient(**settings)


def openai_inference_client(**settings: Any) -> OpenAIInferenceClient:
    from semiont_jobs.adapters import openai

    return openai.OpenAIInferenceClient(**settings)


def prometheus_job_metrics() -> PrometheusJobMetrics:
    from semiont_jobs.adapters import prometheus

    return prometheus.PrometheusJobMetrics()


def prometheus_status_server(
    metrics: PrometheusJobMetrics, health: HealthCheck, *, host: str, port: int
) -> PrometheusStatusServer:
    from semiont_jobs.adapters import prometheus

    return prometheus.PrometheusStatusServer(metrics, health, host=host, port=port)


def opentelemetry_tracer(exporter: str | None) -> OpenTelemetryTracer:
    """A tracer of the global provider, or, given an ``exporter``, of an SDK provider of its own."""
    from semiont_jobs.adapters import opentelemetry

    if exporter is None:
        return opentelemetry.OpenTelemetryTracer()
    from semiont_jobs.adapters.opentelemetry.sdk import tracer_provider

    return opentelemetry.OpenTelemetryTracer(tracer_provider(exporter), owns_provider=True)
