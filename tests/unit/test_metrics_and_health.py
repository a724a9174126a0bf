"""Prometheus metrics of a worker's jobs and model calls; the health monitor; the status server."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from semiont_jobs import (
    ConfigurationError,
    FilesystemJobStore,
    HighlightDetectionResult,
    InMemoryJobStore,
    JobContext,
    JobQueue,
    JobWorker,
    RetryPolicy,
    RunningJob,
    WorkerSettings,
)
from semiont_jobs.adapters.memory import ScriptedInferenceClient
from semiont_jobs.adapters.prometheus import PrometheusJobMetrics, PrometheusStatusServer
from semiont_jobs.application.health_monitor import HealthMonitor
from semiont_jobs.application.model_call_telemetry import ModelCallTelemetry, model_call_chunk
from semiont_jobs.ports import InferenceError, InferenceResponse
from semiont_jobs.ports.status_server import HealthReport
from semiont_jobs.testing.jobs import pending

FAST = WorkerSettings(poll_interval=0.05, error_backoff=0.01, retry=RetryPolicy(initial_delay=0, jitter=0))
RESULT = HighlightDetectionResult(highlights_found=0, highlights_created=0)


def samples(metrics: PrometheusJobMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the registry, by name and sorted labels."""
    text = generate_latest(metrics.registry).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(metrics: PrometheusJobMetrics, name: str, **labels: str) -> float:
    return samples(metrics).get((name, tuple(sorted(labels.items()))), 0.0)


async def test_the_jobs_a_worker_ran_are_counted_by_type_and_outcome() -> None:
    metrics = PrometheusJobMetrics()
    model = ScriptedInferenceClient(
        [
            InferenceResponse(text="[]", stop_reason="end_turn", input_tokens=100, output_tokens=5),
            InferenceResponse(text="[]", stop_reason="end_turn", input_tokens=50, output_tokens=2),
            InferenceError("bad key", provider="scripted", status=401),
        ],
        observer=ModelCallTelemetry(metrics=metrics),
    )

    async def handler(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        if job.id == "job-flaky" and context.attempt == 1:
            raise RuntimeError("flaky")
        if job.id != "job-flaky":
            with model_call_chunk(1):
                await model.generate_text_with_metadata("prompt", 100, 0.0)
        return RESULT

    queue = JobQueue(InMemoryJobStore())
    for job_id in ("job-a", "job-b", "job-bad", "job-flaky"):
        await queue.create_job(pending(job_id))
    await JobWorker(queue, {"highlight-annotation": handler}, FAST, metrics=metrics).run_until_idle()

    finished = "semiont_jobs_jobs_finished_total"
    assert value(metrics, finished, type="highlight-annotation", outcome="complete") == 3
    assert value(metrics, finished, type="highlight-annotation", outcome="failed") == 1
    assert value(metrics, finished, type="generation", outcome="complete") == 0
    attempts = "semiont_jobs_attempt_duration_seconds_count"
    assert value(metrics, attempts, type="highlight-annotation", outcome="retried") == 1
    assert value(metrics, attempts, type="highlight-annotation", outcome="complete") == 3
    assert value(metrics, "semiont_jobs_queue_wait_seconds_count", type="highlight-annotation") == 4
    call = {"provider": "scripted", "model": "scripted"}
    assert value(metrics, "semiont_jobs_model_calls_total", **call) == 3
    assert value(metrics, "semiont_jobs_model_tokens_total", **call, kind="input") == 150
    assert value(metrics, "semiont_jobs_model_tokens_total", **call, kind="output") == 7
    assert value(metrics, "semiont_jobs_model_call_errors_total", **call, error="InferenceError") == 1
    assert value(metrics, "semiont_jobs_model_call_duration_seconds_count", **call) == 3


async def test_lease_recoveries_and_time_outs_are_counted() -> None:
    metrics = PrometheusJobMetrics()
    queue = JobQueue(InMemoryJobStore())
    await queue.create_job(pending("job-abandoned"))
    assert await queue.claim_next("a-dead-worker", lease=timedelta(milliseconds=1)) is not None
    await asyncio.sleep(0.01)
    await queue.create_job(pending("job-slow", offset_seconds=1, max_retries=1))

    async def slow(job: RunningJob[Any, Any], context: JobContext[Any, Any]) -> Any:
        if job.id == "job-slow":
            await asyncio.sleep(5)
        return RESULT

    limits = WorkerSettings(poll_interval=0.05, job_timeout=0.1, timeout_grace=0.05)
    await JobWorker(queue, {"highlight-annotation": slow}, limits, metrics=metrics).run_until_idle()

    assert value(metrics, "semiont_jobs_lease_recoveries_total", type="highlight-annotation") == 1
    timeouts = "semiont_jobs_attempt_timeouts_total"
    assert value(metrics, timeouts, type="highlight-annotation", limit="job_timeout") == 1
    assert (
        value(metrics, "semiont_jobs_jobs_finished_total", type="highlight-annotation", outcome="failed") == 1
    )


async def test_health_turns_unhealthy_when_the_store_goes_away_and_back(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = FilesystemJobStore(data_dir, watch=False)
    queue = JobQueue(store)
    metrics = PrometheusJobMetrics()
    await store.open()
    await queue.create_job(pending("job-a"))
    worker = JobWorker(queue, {"highlight-annotation": lambda job, context: asyncio.sleep(0)}, FAST)
    monitor = HealthMonitor(queue, [worker], interval=5, metrics=metrics)
    assert monitor.report() == HealthReport(False, "worker highlight-annotation is not running")
    running = asyncio.create_task(worker.start())
    try:
        while worker.running_jobs or (await queue.get_stats()).pending:
            await asyncio.sleep(0.02)
        await monitor.probe()
        assert monitor.report() == HealthReport(True)
        assert value(metrics, "semiont_jobs_jobs", status="complete") == 1

        moved = data_dir.with_name("moved")
        shutil.move(data_dir, moved)
        await monitor.probe()
        report = monitor.report()
        assert not report.healthy and report.reason.startswith("the store failed:")
        assert str(data_dir) in report.reason

        shutil.move(moved, data_dir)
        await monitor.probe()
        assert monitor.report().healthy
    finally:
        await worker.stop(grace=0)
        await running
        await store.close()
    assert monitor.report() == HealthReport(False, "worker highlight-annotation is not running")


async def test_health_turns_unhealthy_when_the_store_stops_answering() -> None:
    queue = JobQueue(InMemoryJobStore())
    monitor = HealthMonitor(queue, [], interval=0.1)
    await monitor.probe()
    assert monitor.report().healthy
    await asyncio.sleep(0.25)
    assert monitor.report().reason.startswith("the store last answered")


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


async def test_the_status_server_serves_health_and_metrics_over_http() -> None:
    metrics = PrometheusJobMetrics()
    metrics.attempt_ended("generation", "complete", 2.5)
    health = [HealthReport(True)]
    server = PrometheusStatusServer(metrics, lambda: health[0], port=0)
    await server.open()
    try:
        assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith(":0")
        status, kind, body = await asyncio.to_thread(fetch, server.url + "/health")
        assert (status, kind, json.loads(body)) == (200, "application/json", {"status": "ok"})
        health[0] = HealthReport(False, "the store failed: gone")
        status, _, body = await asyncio.to_thread(fetch, server.url + "/health")
        assert status == 503 and json.loads(body) == {
            "status": "unhealthy",
            "reason": "the store failed: gone",
        }
        status, kind, body = await asyncio.to_thread(fetch, server.url + "/metrics")
        assert status == 200 and kind.startswith("text/plain")
        assert 'semiont_jobs_jobs_finished_total{outcome="complete",type="generation"} 1.0' in body
        assert "process_cpu_seconds_total" in body
        status, _, _ = await asyncio.to_thread(fetch, server.url + "/")
        assert status == 404
    finally:
        await server.close()
    with pytest.raises(urllib.error.URLError):
        await asyncio.to_thread(urllib.request.urlopen, server.url + "/health", None, 2)


async def test_a_port_in_use_is_a_configuration_error_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = PrometheusStatusServer(PrometheusJobMetrics(), lambda: HealthReport(True), port=port)
        with pytest.raises(ConfigurationError) as error:
            await server.open()
    assert error.value.setting == "workers.health_port" and f"127.0.0.1:{port}" in str(error.value)


async def test_a_host_that_does_not_resolve_is_a_configuration_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unresolvable(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)  # no DNS lookup leaves the machine
    server = PrometheusStatusServer(
        PrometheusJobMetrics(), lambda: HealthReport(True), host="metrics.example"
    )
    with pytest.raises(ConfigurationError) as error:
        await server.open()
    assert error.value.setting == "workers.health_host"
    assert "metrics.example" in str(error.value) and "Name or service not known" in str(error.value)
