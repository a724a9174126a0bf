"""Traces through the OpenTelemetry API; the SDK and an exporter come with ``semiont-jobs[otel]``."""

from semiont_jobs.adapters.opentelemetry.tracer import OpenTelemetryTracer

__all__ = ["OpenTelemetryTracer"]
