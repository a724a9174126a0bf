"""Constructors of the adapters whose technology is heavy to import: each imports it on its first call.

``import semiont_jobs`` thus loads neither psycopg, httpx nor a model provider's SDK;
the container builds these adapters through the functions below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from semiont_jobs.adapters.anthropic import AnthropicInferenceClient
    from semiont_jobs.adapters.http import HttpContentFetcher
    from semiont_jobs.adapters.openai import OpenAIInferenceClient
    from semiont_jobs.adapters.postgres import PostgresEventBus, PostgresJobStore


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
