"""Model calls made visible: a span, a duration, token counts and errors for each request to a model.

Inference adapters report every request through the ModelCallObserver port;
:class:`ModelCallTelemetry` turns each into a child span of the current attempt
and a call to the metrics. Code that splits a text into chunks names the chunk a
call is for with ``with model_call_chunk(n):``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

from semiont_jobs.ports.inference_client import InferenceResponse
from semiont_jobs.ports.job_metrics import NO_METRICS, JobMetrics
from semiont_jobs.ports.model_calls import ModelCall
from semiont_jobs.ports.tracer import NO_TRACER, Span, Tracer

_current_chunk: ContextVar[int | None] = ContextVar("semiont_jobs_model_call_chunk", default=None)


@contextlib.contextmanager
def model_call_chunk(number: int) -> Iterator[None]:
    """Within the block, model calls are for chunk ``number`` (1 for the first) of the text."""
    token = _current_chunk.set(number)
    try:
        yield
    finally:
        _current_chunk.reset(token)


class _ObservedCall:
    def __init__(self, span: Span) -> None:
        self.span = span
        self.response: InferenceResponse | None = None

    def replied(self, response: InferenceResponse) -> None:
        self.response = response
        self.span.set_attribute("gen_ai.response.finish_reasons", response.stop_reason)
        if response.input_tokens is not None:
            self.span.set_attribute("gen_ai.usage.input_tokens", response.input_tokens)
        if response.output_tokens is not None:
            self.span.set_attribute("gen_ai.usage.output_tokens", response.output_tokens)


class ModelCallTelemetry:
    """A ModelCallObserver that traces each call (OpenTelemetry's GenAI attribute names) and counts it."""

    def __init__(self, tracer: Tracer = NO_TRACER, metrics: JobMetrics = NO_METRICS) -> None:
        self.tracer = tracer
        self.metrics = metrics

    @contextlib.contextmanager
    def call(self, provider: str, model: str) -> Iterator[ModelCall]:
        attributes: dict[str, str | int] = {"gen_ai.system": provider, "gen_ai.request.model": model}
        if (chunk := _current_chunk.get()) is not None:
            attributes["semiont_jobs.chunk"] = chunk
        started = time.monotonic()
        error: str | None = None
        with self.tracer.span("semiont_jobs.model_call", attributes) as span:
            observed = _ObservedCall(span)
            try:
                yield observed
            except BaseException as exc:
                error = type(exc).__name__
                raise
            finally:
                reply = observed.response
                self.metrics.model_call(
                    provider,
                    model,
                    time.monotonic() - started,
                    input_tokens=reply.input_tokens if reply else None,
                    output_tokens=reply.output_tokens if reply else None,
                    error=error,
                )
