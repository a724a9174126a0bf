"""A tracer provider of the OpenTelemetry SDK exporting to OTLP or the console (``semiont-jobs[otel]``)."""

from __future__ import annotations

import os
import sys
from typing import Any

from semiont_jobs.ports.errors import ConfigurationError

EXPORTERS = ("otlp", "console")
SERVICE_NAME = "semiont-jobs"


def tracer_provider(exporter: str) -> Any:
    """An SDK ``TracerProvider`` batching spans to ``exporter``.

    ``otlp`` sends OTLP over HTTP where the standard ``OTEL_EXPORTER_OTLP_*``
    variables say (``http://localhost:4318`` by default); ``console`` writes each span
    to standard error. The service is ``semiont-jobs`` unless ``OTEL_SERVICE_NAME``
    says otherwise. Raises :class:`ConfigurationError` when the SDK or the exporter
    is not installed.
    """
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

        chosen: SpanExporter
        if exporter == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            chosen = OTLPSpanExporter()
        elif exporter == "console":
            chosen = ConsoleSpanExporter(out=sys.stderr)
        else:
            raise ConfigurationError("tracing.exporter", f"{exporter!r} is not one of {', '.join(EXPORTERS)}")
    except ImportError as exc:
        raise ConfigurationError(
            "tracing.exporter", f"{exporter} needs {exc.name}: pip install 'semiont-jobs[otel]'"
        ) from exc
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(chosen))
    return provider
