"""Metrics in the Prometheus text format (``prometheus_client``), and the process's status server."""

from semiont_jobs.adapters.prometheus.job_metrics import PrometheusJobMetrics
from semiont_jobs.adapters.prometheus.status_server import PrometheusStatusServer

__all__ = ["PrometheusJobMetrics", "PrometheusStatusServer"]
