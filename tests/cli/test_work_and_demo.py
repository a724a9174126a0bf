"""``work`` under real signals, configuration errors, ``demo`` and ``events`` end to end."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import pytest

from tests.cli.conftest import Cli
from tests.cli.slow_model import SlowModel


@pytest.fixture
def slow_model() -> Iterator[SlowModel]:
    model = SlowModel(delay=30)
    yield model
    model.close()


def use_model(cli: Cli, model: SlowModel) -> None:
    cli.env.update(
        {
            "SEMIONT_JOBS_INFERENCE_PROVIDER": "openai",
            "SEMIONT_JOBS_INFERENCE_MODEL": "test-model",
            "SEMIONT_JOBS_INFERENCE_BASE_URL": model.base_url,
        }
    )
    resources = cli.data_dir / "resources"
    resources.mkdir(parents=True)
    (resources / "doc-1").write_text("Ada Lovelace wrote the first published algorithm.", encoding="utf-8")


@pytest.mark.slow
def test_sigterm_hands_back_a_job_that_outlives_the_grace(cli: Cli, slow_model: SlowModel) -> None:
    use_model(cli, slow_model)
    job_id = cli.run("enqueue", "highlight-annotation", "--resource", "doc-1").stdout.strip()
    worker = cli.popen("work", "--type", "highlight-annotation", "--grace", "0.5")
    try:
        assert slow_model.request_seen.wait(20), "the worker never called the model"
        assert cli.files("running") == [f"{job_id}.json"]
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=20)
    finally:
        worker.kill()
    assert worker.returncode == 0, stderr
    assert "handed back" in stderr
    assert cli.files("running") == []
    assert cli.files("pending") == [f"{job_id}.json"]
    back = json.loads(cli.run("show", job_id).stdout)
    assert back["status"] == "pending" and back["metadata"]["retryCount"] == 0


@pytest.mark.slow
def test_workers_stop_grace_is_the_default_grace(cli: Cli, slow_model: SlowModel) -> None:
    use_model(cli, slow_model)
    cli.env["SEMIONT_JOBS_WORKERS_STOP_GRACE"] = "0.5"
    job_id = cli.run("enqueue", "highlight-annotation", "--resource", "doc-1").stdout.strip()
    worker = cli.popen("work", "--type", "highlight-annotation")
    try:
        assert slow_model.request_seen.wait(20), "the worker never called the model"
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=20)
    finally:
        worker.kill()
    assert worker.returncode == 0, stderr
    assert "for up to 0.5 s" in stderr and "handed back" in stderr
    assert cli.files("pending") == [f"{job_id}.json"]


@pytest.mark.slow
def test_sigterm_lets_a_job_finish_within_the_grace(cli: Cli, slow_model: SlowModel) -> None:
    slow_model.delay = 1.5
    use_model(cli, slow_model)
    job_id = cli.run("enqueue", "highlight-annotation", "--resource", "doc-1").stdout.strip()
    worker = cli.popen("work", "--type", "highlight-annotation", "--grace", "20")
    try:
        assert slow_model.request_seen.wait(20)
        worker.send_signal(signal.SIGINT)
        _, stderr = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 0, stderr
    assert f"job {job_id} complete" in stderr
    usage = [line for line in stderr.splitlines() if "semiont_jobs.inference" in line]
    assert len(usage) == 1 and f"[{job_id}]" in usage[0] and "output tokens" in usage[0]
    done = json.loads(cli.run("show", job_id).stdout)
    assert done["status"] == "complete"
    assert done["result"] == {"highlightsFound": 0, "highlightsCreated": 0}
    assert slow_model.requests == 1


def test_missing_api_key_is_a_one_line_configuration_error(cli: Cli) -> None:
    cli.env["SEMIONT_JOBS_INFERENCE_PROVIDER"] = "anthropic"
    cli.env["SEMIONT_JOBS_INFERENCE_MODEL"] = "claude-test"
    result = cli.run("work", check=False, timeout=30)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1
    assert "inference.api_key" in errors[0] and "ANTHROPIC_API_KEY" in errors[0]


def test_missing_public_url_is_a_configuration_error(cli: Cli) -> None:
    del cli.env["SEMIONT_JOBS_WORKERS_PUBLIC_URL"]
    result = cli.run("work", check=False, timeout=30)
    assert result.returncode == 1 and "workers.public_url" in result.stderr


def test_unknown_backend_is_a_configuration_error(cli: Cli) -> None:
    cli.env["SEMIONT_JOBS_CONTENT_BACKEND"] = "ftp"
    result = cli.run("work", check=False, timeout=30)
    assert result.returncode == 1 and "content.backend" in result.stderr and "ftp" in result.stderr


@pytest.mark.slow
def test_demo_runs_all_six_jobs_offline_and_prints_annotations(cli: Cli) -> None:
    result = cli.run("demo", timeout=120)
    out = result.stdout
    assert "canned reply" in out
    start = out.index("[\n")
    annotations = json.JSONDecoder().raw_decode(out[start:])[0]
    motivations = sorted({annotation["motivation"] for annotation in annotations})
    assert motivations == ["assessing", "commenting", "highlighting", "linking", "tagging"]
    assert all(a["id"].startswith("http://localhost:4000/annotations/") for a in annotations)
    assert "linked annotation demo-reference-1 -> http://localhost:4000/resources/generated-" in out
    stats = cli.json("stats")
    assert stats["complete"] == 6 and stats["failed"] == 0 and stats["running"] == 0
    events = [json.loads(line) for line in cli.run("events", "--json").stdout.splitlines()]
    channels = {event["channel"] for event in events}
    assert {"job:start", "job:complete", "mark:create", "yield:create", "yield:created"} <= channels
    creates = cli.run("events", "--channel", "mark:create", "--json").stdout.splitlines()
    assert len(creates) == len(annotations)


def test_unusable_data_directory_is_a_one_line_error(cli: Cli) -> None:
    blocker = cli.data_dir.parent / "not-a-directory"
    blocker.write_text("x")
    cli.data_dir = blocker / "data"
    result = cli.run("stats", check=False, timeout=30)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "unavailable" in result.stderr, result.stderr
