"""The JobMetrics port as Prometheus counters, histograms and gauges in a registry of their own."""

from __future__ import annotations

from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.process_collector import ProcessCollector

from semiont_jobs.domain.queries import QueueStats
from semiont_jobs.domain.vocabulary import JOB_STATUSES, JOB_TYPES
from semiont_jobs.ports.job_metrics import AttemptOutcome, TimeLimit

ATTEMPT_BUCKETS: Final = (0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, float("inf"))
WAIT_BUCKETS: Final = (0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600, float("inf"))
CALL_BUCKETS: Final = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, float("inf"))
_FINAL: Final = ("complete", "failed")


class PrometheusJobMetrics:
    """Counts jobs, attempts, lease recoveries, time-outs and model calls in :attr:`registry`.

    Series (all prefixed ``semiont_jobs_``): ``jobs_finished_total{type,outcome}``
    (complete or failed for good), ``attempt_duration_seconds{type,outcome}``,
    ``queue_wait_seconds{type}`` (enqueue to first start), ``jobs{status}`` (as the
    store last counted them), ``lease_recoveries_total{type}``,
    ``attempt_timeouts_total{type,limit}``, ``model_calls_total{provider,model}``,
    ``model_call_duration_seconds{provider,model}``,
    ``model_tokens_total{provider,model,kind}`` (input or output),
    ``model_call_errors_total{provider,model,error}``; and the process's own
    (CPU, memory, open files).
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        ProcessCollector(registry=self.registry)
        r = self.registry
        self._finished = Counter(
            "semiont_jobs_jobs_finished",
            "Jobs stored as complete or failed for good.",
            ["type", "outcome"],
            registry=r,
        )
        self._attempts = Histogram(
            "semiont_jobs_attempt_duration_seconds",
            "How long attempts ran, by how they ended.",
            ["type", "outcome"],
            buckets=ATTEMPT_BUCKETS,
            registry=r,
        )
        self._wait = Histogram(
            "semiont_jobs_queue_wait_seconds",
            "Seconds from enqueue to the start of a job's first attempt.",
            ["type"],
            buckets=WAIT_BUCKETS,
            registry=r,
        )
        self._jobs = Gauge("semiont_jobs_jobs", "Jobs in the store by status.", ["status"], registry=r)
        self._recoveries = Counter(
            "semiont_jobs_lease_recoveries",
            "Jobs taken back from workers whose lease expired.",
            ["type"],
            registry=r,
        )
        self._timeouts = Counter(
            "semiont_jobs_attempt_timeouts",
            "Attempts cancelled past a time limit.",
            ["type", "limit"],
            registry=r,
        )
        self._calls = Counter(
            "semiont_jobs_model_calls", "Requests to a model.", ["provider", "model"], registry=r
        )
        self._call_seconds = Histogram(
            "semiont_jobs_model_call_duration_seconds",
            "How long requests to a model took.",
            ["provider", "model"],
            buckets=CALL_BUCKETS,
            registry=r,
        )
        self._tokens = Counter(
            "semiont_jobs_model_tokens",
            "Tokens models read and wrote.",
            ["provider", "model", "kind"],
            registry=r,
        )
        self._errors = Counter(
            "semiont_jobs_model_call_errors",
            "Requests to a model that failed.",
            ["provider", "model", "error"],
            registry=r,
        )
        for job_type in JOB_TYPES:
            for outcome in _FINAL:
                self._finished.labels(job_type, outcome)
        for status in JOB_STATUSES:
            self._jobs.labels(status)

    def attempt_started(self, job_type: str, queue_wait: float | None) -> None:
        if queue_wait is not None:
            self._wait.labels(job_type).observe(queue_wait)

    def attempt_ended(self, job_type: str, outcome: AttemptOutcome, seconds: float) -> None:
        self._attempts.labels(job_type, outcome).observe(seconds)
        if outcome in _FINAL:
            self._finished.labels(job_type, outcome).inc()

    def attempt_timed_out(self, job_type: str, limit: TimeLimit) -> None:
        self._timeouts.labels(job_type, limit).inc()

    def lease_recovered(self, job_type: str, failed: bool) -> None:
        self._recoveries.labels(job_type).inc()
        if failed:
            self._finished.labels(job_type, "failed").inc()

    def queue_depth(self, stats: QueueStats) -> None:
        for status in JOB_STATUSES:
            self._jobs.labels(status).set(getattr(stats, status))

    def model_call(
        self,
        provider: str,
        model: str,
        seconds: float,
        *,
        input_tokens: int | None,
        output_tokens: int | None,
        error: str | None,
    ) -> None:
        self._calls.labels(provider, model).inc()
        self._call_seconds.labels(provider, model).observe(seconds)
        if input_tokens:
            self._tokens.labels(provider, model, "input").inc(input_tokens)
        if output_tokens:
            self._tokens.labels(provider, model, "output").inc(output_tokens)
        if error is not None:
            self._errors.labels(provider, model, error).inc()
