"""A real ``semiont-jobs work`` process: its /health and /metrics, JSON log lines, job timeouts."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.cli.conftest import Cli
from tests.cli.slow_model import SlowModel
from tests.cli.test_work_and_demo import use_model

SERVING = re.compile(r"serving /health and /metrics on (http://127\.0\.0\.1:\d+)")


class Worker:
    """A ``work`` process whose standard error is read line by line as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 20) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := pattern.search(line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("never logged " + pattern.pattern + ":\n" + "\n".join(self.lines))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return code


@pytest.fixture
def fast_model() -> Iterator[SlowModel]:
    model = SlowModel(delay=0)
    yield model
    model.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def eventually(check: Callable[[], Any], timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def metric(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


@pytest.mark.slow
def test_health_and_metrics_of_a_running_worker(cli: Cli, fast_model: SlowModel) -> None:
    use_model(cli, fast_model)
    cli.env["SEMIONT_JOBS_WORKERS_HEALTH_INTERVAL"] = "0.2"
    worker = Worker(
        cli.popen("work", "--type", "highlight-annotation", "--health-port", "0", "--log-format", "json")
    )
    try:
        url = worker.wait_for(SERVING).group(1)
        assert get(url + "/health") == (200, '{"status": "ok"}\n')
        ids = [
            cli.run("enqueue", "highlight-annotation", "--resource", "doc-1").stdout.strip() for _ in range(2)
        ]
        assert eventually(lambda: len(cli.files("complete")) == 2), cli.files("pending")

        def counted() -> str | None:
            text = get(url + "/metrics")[1]
            return text if metric(text, "semiont_jobs_jobs", status="complete") == 2 else None

        text = eventually(counted)
        assert text, "the queue depth never showed the two complete jobs"
        finished = {"type": "highlight-annotation", "outcome": "complete"}
        assert metric(text, "semiont_jobs_jobs_finished_total", **finished) == 2
        model = {"provider": "openai", "model": "test-model"}
        assert metric(text, "semiont_jobs_model_calls_total", **model) == 2
        assert metric(text, "semiont_jobs_model_tokens_total", **model, kind="input") == 20
        assert metric(text, "semiont_jobs_model_tokens_total", **model, kind="output") == 2
        assert metric(text, "semiont_jobs_queue_wait_seconds_count", type="highlight-annotation") == 2

        moved = cli.data_dir.with_name("moved-away")
        shutil.move(cli.data_dir, moved)
        status, body = eventually(lambda: (s := get(url + "/health"))[0] == 503 and s, timeout=10) or (0, "")
        assert status == 503, "health stayed 200 with the store gone"
        assert json.loads(body)["reason"].startswith("the store failed:")
        shutil.move(moved, cli.data_dir)
        assert eventually(lambda: get(url + "/health")[0] == 200, timeout=10), "health did not come back"
    finally:
        code = worker.stop()
    assert code == 0, "\n".join(worker.lines)

    records = [json.loads(line) for line in worker.lines]
    done = [r for r in records if r["message"].endswith(" complete") and r["job_id"] in ids]
    assert {(r["job_id"], r["job_type"], r["attempt"]) for r in done} == {
        (job_id, "highlight-annotation", 1) for job_id in ids
    }
    usage = [r for r in records if r["logger"] == "semiont_jobs.inference"]
    assert {r["job_id"] for r in usage} == set(ids) and {r["input_tokens"] for r in usage} == {10}


@pytest.mark.slow
def test_a_job_past_its_timeout_fails_its_attempt_and_waits_for_a_retry(cli: Cli) -> None:
    hung = SlowModel(delay=30)
    try:
        use_model(cli, hung)
        cli.env.update({"SEMIONT_JOBS_WORKERS_JOB_TIMEOUT": "1", "SEMIONT_JOBS_WORKERS_TIMEOUT_GRACE": "0.5"})
        job_id = cli.run("enqueue", "highlight-annotation", "--resource", "doc-1").stdout.strip()
        worker = Worker(cli.popen("work", "--type", "highlight-annotation"))
        try:
            assert hung.request_seen.wait(20), "the worker never called the model"
            worker.wait_for(re.compile(rf"job {job_id} attempt 1 failed, will retry"))
            back = json.loads((cli.data_dir / "jobs" / "pending" / f"{job_id}.json").read_text())
            assert cli.files("running") == [], "the timed-out attempt kept its lease"
        finally:
            code = worker.stop()
    finally:
        hung.close()
    assert code == 0
    assert back["status"] == "pending" and back["metadata"]["retryCount"] == 1 and "runAfter" in back
    assert back["lastError"] == "timed out: the attempt ran for more than 1 s (workers.job_timeout)"
    assert "stopping the handler by force" in "\n".join(worker.lines)
