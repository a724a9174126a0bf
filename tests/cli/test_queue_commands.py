"""enqueue, list, show, stats, cancel, retry, cleanup, recover and config through the real command."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli


def test_enqueue_prints_the_id_and_writes_the_reference_layout(cli: Cli) -> None:
    job_id = cli.run(
        "enqueue", "highlight-annotation", "--resource", "doc-1", "--density", "3"
    ).stdout.strip()
    assert job_id.startswith("job-")
    assert cli.files("pending") == [f"{job_id}.json"]
    on_disk = json.loads((cli.data_dir / "jobs" / "pending" / f"{job_id}.json").read_text())
    assert on_disk["params"] == {"resourceId": "doc-1", "density": 3}
    assert on_disk["metadata"]["type"] == "highlight-annotation"


def test_list_show_and_stats_in_tables_and_json(cli: Cli) -> None:
    first = cli.run("enqueue", "comment-annotation", "--resource", "r1", "--tone", "scholarly").stdout.strip()
    second = cli.run(
        "enqueue", "tag-annotation", "--resource", "r2", "--schema", "legal-irac", "--category", "Issue"
    ).stdout.strip()
    listed = cli.json("list")
    assert [job["metadata"]["id"] for job in listed] == [second, first]
    assert [job["metadata"]["id"] for job in cli.json("list", "--type", "comment-annotation")] == [first]
    assert cli.json("list", "--status", "running") == []
    assert len(cli.json("list", "--limit", "1", "--offset", "1")) == 1
    table = cli.run("list").stdout
    assert first in table and second in table and "comment-annotation" in table
    shown = json.loads(cli.run("show", first).stdout)
    assert shown["params"] == {"resourceId": "r1", "tone": "scholarly"}
    assert cli.json("stats")["pending"] == 2
    assert "pending" in cli.run("stats").stdout


def test_cancel_and_retry(cli: Cli) -> None:
    job_id = cli.run("enqueue", "highlight-annotation", "--resource", "r1").stdout.strip()
    assert cli.run("cancel", job_id).stdout.strip() == f"cancelled {job_id}"
    assert cli.files("cancelled") == [f"{job_id}.json"]
    again = cli.run("cancel", job_id, check=False)
    assert again.returncode != 0 and "not pending or running" in again.stderr
    assert cli.run("retry", job_id).stdout.strip() == f"requeued {job_id}"
    assert cli.files("pending") == [f"{job_id}.json"]
    assert cli.files("cancelled") == []
    refused = cli.run("retry", job_id, check=False)
    assert refused.returncode != 0 and "not failed or cancelled" in refused.stderr


def test_cleanup_deletes_only_old_finished_jobs(cli: Cli) -> None:
    job_id = cli.run("enqueue", "highlight-annotation", "--resource", "r1").stdout.strip()
    cli.run("cancel", job_id)
    assert cli.json("cleanup", "--older-than", "1") == {"deleted": 0}
    assert cli.run("cleanup", "--older-than", "0").stdout.strip() == "deleted 1 jobs"
    assert cli.json("stats")["cancelled"] == 0


def test_show_of_a_missing_job_fails(cli: Cli) -> None:
    result = cli.run("show", "job-nope", check=False)
    assert result.returncode == 1
    assert "no job with id 'job-nope'" in result.stderr


def test_invalid_id_is_a_clear_error(cli: Cli) -> None:
    result = cli.run("show", "../../etc/passwd", check=False)
    assert result.returncode == 1
    assert "invalid job id" in result.stderr
    assert result.stderr.count("\n") == 1


def test_invalid_job_file_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "job.json"
    bad.write_text(json.dumps({"resourceId": "r1", "entityTypes": "Person"}))
    result = cli.run("enqueue", "reference-annotation", "--file", str(bad), check=False)
    assert result.returncode != 0
    assert "params.entityTypes" in result.stderr
    assert cli.files("pending") == []
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    result = cli.run("enqueue", "--file", str(garbage), check=False)
    assert result.returncode != 0 and "cannot read job file" in result.stderr
    assert cli.files("pending") == []


def test_a_whole_job_file_is_accepted(cli: Cli) -> None:
    reference = (
        Path(__file__).parent.parent / "fixtures" / "reference_jobs" / "pending-reference-annotation.json"
    )
    job_id = cli.run("enqueue", "--file", str(reference)).stdout.strip()
    assert job_id == "job-V1StGXR8_Z5jdHi6B-myT"
    assert json.loads((cli.data_dir / "jobs" / "pending" / f"{job_id}.json").read_text()) == json.loads(
        reference.read_text()
    )


def test_missing_type_specific_options_are_usage_errors(cli: Cli) -> None:
    result = cli.run("enqueue", "tag-annotation", "--resource", "r1", check=False)
    assert result.returncode == 2 and "--schema" in result.stderr
    result = cli.run("enqueue", "generation", check=False)
    assert result.returncode == 2 and "--file" in result.stderr


def test_config_masks_secrets_and_shows_precedence(cli: Cli, tmp_path: Path) -> None:
    toml = tmp_path / "semiont.toml"
    toml.write_text('[inference]\nprovider = "openai"\nmodel = "from-file"\napi_key = "sk-secret-file"\n')
    cli.env["SEMIONT_JOBS_INFERENCE_MODEL"] = "from-env"
    cli.env["SEMIONT_JOBS_JOB_STORE_DSN"] = "postgresql://app:hunter2@db.example:5432/jobs"
    shown = json.loads(cli.run("--config", str(toml), "config", "--json").stdout)
    assert shown["inference"]["provider"] == "openai"
    assert shown["inference"]["model"] == "from-env"
    assert shown["inference"]["api_key"] == "***"
    assert shown["job_store"]["dsn"] == "postgresql://app:***@db.example:5432/jobs"
    assert shown["job_store"]["data_dir"] == str(cli.data_dir)
    text = cli.run("--config", str(toml), "config").stdout
    assert "sk-secret-file" not in text and "hunter2" not in text


def test_recover_with_nothing_expired(cli: Cli) -> None:
    assert cli.json("recover") == []


def test_watch_ends_when_the_watched_jobs_have_ended(cli: Cli) -> None:
    assert cli.run("watch", timeout=30).returncode == 0
    job_id = cli.run("enqueue", "highlight-annotation", "--resource", "r1").stdout.strip()
    cli.run("cancel", job_id)
    shown = cli.run("watch", job_id, timeout=30).stdout
    assert job_id in shown and "cancelled" in shown
    missing = cli.run("watch", "job-nope", timeout=30).stdout
    assert "no job with id 'job-nope'" in missing
