"""Traces: one span per attempt joining the trace its job was enqueued in, children per model call and
store transition, collected with the OpenTelemetry SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from dependency_injector import providers
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from semiont_jobs import (
    Container,
    HighlightDetectionParams,
    InferenceError,
    JobUser,
    JobWorker,
    ResourceId,
    RetryPolicy,
    UserId,
)
from semiont_jobs.adapters.memory import InMemoryContentFetcher, ScriptedInferenceClient
from semiont_jobs.adapters.opentelemetry import OpenTelemetryTracer
from semiont_jobs.ports import InferenceResponse

USER = JobUser(user_id=UserId("ada"), user_name="Ada", user_domain="example.org")
PARAMS = HighlightDetectionParams(resource_id=ResourceId("doc-1"))
REPLY = InferenceResponse(text="[]", stop_reason="end_turn", input_tokens=120, output_tokens=4)


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.clear()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def container(provider: TracerProvider) -> Container:
    container = Container()
    container.config.from_dict(
        {
            "job_store": {"backend": "memory"},
            "workers": {"public_url": "http://localhost:4000"},
            "tracing": {"backend": "opentelemetry"},
            "detection": {"chunk_retries": 0},
        }
    )
    container.opentelemetry_tracer.override(providers.Object(OpenTelemetryTracer(provider)))
    fetcher = container.memory_content_fetcher()
    assert isinstance(fetcher, InMemoryContentFetcher)
    fetcher.put(ResourceId("doc-1"), "Ada Lovelace wrote the first published algorithm.")
    return container


def highlight_worker(container: Container) -> JobWorker:
    return next(w for w in container.workers() if w.types and "highlight-annotation" in w.types)


def scripted(container: Container) -> ScriptedInferenceClient:
    client = container.scripted_inference_client()
    assert isinstance(client, ScriptedInferenceClient)
    return client


def by_name(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


async def test_one_job_makes_one_span_tree_inside_the_trace_it_was_enqueued_in(
    container: Container, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    scripted(container).add_replies(REPLY)
    queue = container.job_queue()
    with provider.get_tracer("the caller").start_as_current_span("request") as request:
        job = await queue.enqueue(PARAMS, USER)
    assert job.traceparent is not None
    assert f"{request.get_span_context().trace_id:032x}" in job.traceparent
    stored = await queue.get_job(job.id)
    assert stored is not None and getattr(stored, "traceparent", None) == job.traceparent

    await highlight_worker(container).run_until_idle()

    spans = exporter.get_finished_spans()
    assert {span.context.trace_id for span in spans} == {request.get_span_context().trace_id}
    (root,) = by_name(spans, "request")
    (enqueue,) = by_name(spans, "semiont_jobs.enqueue")
    (attempt,) = by_name(spans, "semiont_jobs.attempt")
    (model_call,) = by_name(spans, "semiont_jobs.model_call")
    saves = by_name(spans, "semiont_jobs.store.save_progress")
    (finish,) = by_name(spans, "semiont_jobs.store.finish")
    assert parent_of(enqueue) == root.context.span_id
    assert parent_of(attempt) == enqueue.context.span_id
    assert saves and {parent_of(span) for span in saves} == {attempt.context.span_id}
    assert parent_of(model_call) == parent_of(finish) == attempt.context.span_id

    assert dict(attempt.attributes or {}) == {
        "semiont_jobs.job.id": job.id,
        "semiont_jobs.job.type": "highlight-annotation",
        "semiont_jobs.job.attempt": 1,
        "semiont_jobs.outcome": "complete",
    }
    assert attempt.status.status_code is not StatusCode.ERROR
    calls = dict(model_call.attributes or {})
    assert calls["gen_ai.system"] == "scripted" and calls["gen_ai.request.model"] == "scripted"
    assert (calls["gen_ai.usage.input_tokens"], calls["gen_ai.usage.output_tokens"]) == (120, 4)
    assert (finish.attributes or {})["semiont_jobs.job.status"] == "complete"


async def test_each_attempt_of_a_retried_job_joins_the_trace_the_failed_one_marked_as_such(
    container: Container, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    scripted(container).add_replies(InferenceError("overloaded", provider="scripted", retryable=True), REPLY)
    queue = container.job_queue()
    with provider.get_tracer("the caller").start_as_current_span("request"):
        await queue.enqueue(PARAMS, USER)
    worker = highlight_worker(container)
    worker.settings = attrs.evolve(worker.settings, retry=RetryPolicy(initial_delay=0, jitter=0))
    await worker.run_until_idle()

    spans = exporter.get_finished_spans()
    assert len({span.context.trace_id for span in spans}) == 1
    attempts = sorted(by_name(spans, "semiont_jobs.attempt"), key=lambda span: span.start_time or 0)
    outcomes = [(span.attributes or {}).get("semiont_jobs.outcome") for span in attempts]
    assert outcomes == ["retried", "complete"]
    assert attempts[0].status.status_code is StatusCode.ERROR
    assert "overloaded" in (attempts[0].status.description or "")
    (enqueue,) = by_name(spans, "semiont_jobs.enqueue")
    assert {parent_of(span) for span in attempts} == {enqueue.context.span_id}
    failed_calls = [
        s for s in by_name(spans, "semiont_jobs.model_call") if s.status.status_code is StatusCode.ERROR
    ]
    assert len(failed_calls) == 1


async def test_a_job_enqueued_outside_a_trace_starts_one_at_its_enqueue(
    container: Container, exporter: InMemorySpanExporter
) -> None:
    scripted(container).add_replies(REPLY)
    job = await container.job_queue().enqueue(PARAMS, USER)
    await highlight_worker(container).run_until_idle()
    spans = exporter.get_finished_spans()
    (enqueue,) = by_name(spans, "semiont_jobs.enqueue")
    (attempt,) = by_name(spans, "semiont_jobs.attempt")
    assert enqueue.parent is None and parent_of(attempt) == enqueue.context.span_id
    assert job.traceparent is not None
    assert job.traceparent.startswith(f"00-{enqueue.context.trace_id:032x}-{enqueue.context.span_id:016x}-")


async def test_without_tracing_no_job_carries_a_traceparent() -> None:
    container = Container()
    container.config.from_dict({"job_store": {"backend": "memory"}})
    job = await container.job_queue().enqueue(PARAMS, USER)
    assert job.traceparent is None


def test_a_malformed_traceparent_starts_a_new_trace_instead_of_failing(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = OpenTelemetryTracer(provider)
    with tracer.span("semiont_jobs.attempt", parent="not-a-traceparent") as span:
        span.set_attribute("semiont_jobs.outcome", "complete")
    (finished,) = exporter.get_finished_spans()
    assert finished.parent is None and (finished.attributes or {})["semiont_jobs.outcome"] == "complete"


async def test_model_call_spans_name_the_chunk_they_were_for(
    container: Container, exporter: InMemorySpanExporter
) -> None:
    container.config.detection.chunk_tokens.from_value(300)
    container.config.detection.overlap_tokens.from_value(20)
    fetcher = container.memory_content_fetcher()
    assert isinstance(fetcher, InMemoryContentFetcher)
    paragraph = "Ada Lovelace wrote the first published algorithm for the engine. " * 12
    fetcher.put(ResourceId("doc-1"), "\n\n".join([paragraph] * 6))
    scripted(container).add_replies(*[REPLY] * 40)
    await container.job_queue().enqueue(PARAMS, USER)
    await highlight_worker(container).run_until_idle()
    chunks = [
        (span.attributes or {}).get("semiont_jobs.chunk")
        for span in by_name(exporter.get_finished_spans(), "semiont_jobs.model_call")
    ]
    assert len(chunks) > 1
    assert chunks == list(range(1, len(chunks) + 1))
