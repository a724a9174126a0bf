"""The Tracer port over the OpenTelemetry API, with W3C trace-context propagation."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from semiont_jobs.ports.tracer import Attributes, AttributeValue, Span

INSTRUMENTATION: str = "semiont_jobs"


class _OpenTelemetrySpan:
    def __init__(self, span: trace.Span) -> None:
        self._span = span

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        self._span.set_attribute(key, value)

    def set_error(self, description: str) -> None:
        self._span.set_status(Status(StatusCode.ERROR, description))


class OpenTelemetryTracer:
    """Spans from ``tracer_provider``, else from the provider the host application set globally.

    ``owns_provider``: the provider was made for this tracer (see
    :func:`~semiont_jobs.adapters.opentelemetry.sdk.tracer_provider`), and
    :meth:`close` shuts it down, exporting the spans still buffered.
    """

    def __init__(
        self, tracer_provider: trace.TracerProvider | None = None, *, owns_provider: bool = False
    ) -> None:
        self._provider = tracer_provider
        self._owns_provider = owns_provider
        self._tracer = trace.get_tracer(INSTRUMENTATION, tracer_provider=tracer_provider)
        self._propagator = TraceContextTextMapPropagator()

    @contextlib.contextmanager
    def span(
        self, name: str, attributes: Attributes | None = None, *, parent: str | None = None
    ) -> Iterator[Span]:
        context = self._propagator.extract({"traceparent": parent}) if parent else None
        with self._tracer.start_as_current_span(name, context=context, attributes=attributes) as span:
            yield _OpenTelemetrySpan(span)

    def traceparent(self) -> str | None:
        carrier: dict[str, str] = {}
        self._propagator.inject(carrier)
        return carrier.get("traceparent")

    async def close(self) -> None:
        """Export what is buffered and stop, when this tracer owns its provider."""
        shutdown = getattr(self._provider, "shutdown", None)
        if self._owns_provider and shutdown is not None:
            self._owns_provider = False
            await asyncio.to_thread(shutdown)
