"""``db migrate`` and the queue commands against a real PostgreSQL server."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli
from tests.support.postgres import pg_dsn, pg_schema  # noqa: F401  (fixtures)


@pytest.fixture
def pg_cli(cli: Cli, pg_dsn: str, pg_schema: str) -> Cli:  # noqa: F811
    cli.env.update(
        {
            "SEMIONT_JOBS_JOB_STORE_BACKEND": "postgres",
            "SEMIONT_JOBS_JOB_STORE_DSN": pg_dsn,
            "SEMIONT_JOBS_JOB_STORE_SCHEMA": pg_schema,
        }
    )
    return cli


def test_migrate_is_idempotent_and_the_queue_works_on_postgres(pg_cli: Cli) -> None:
    refused = pg_cli.run("stats", check=False)
    assert refused.returncode == 1 and "db migrate" in refused.stderr
    assert pg_cli.run("db", "migrate").stdout.startswith("applied migrations [1")
    assert pg_cli.run("db", "migrate").stdout.strip() == "schema is up to date"
    job_id = pg_cli.run("enqueue", "highlight-annotation", "--resource", "doc-1").stdout.strip()
    assert [job["metadata"]["id"] for job in pg_cli.json("list")] == [job_id]
    assert pg_cli.run("cancel", job_id).returncode == 0
    assert pg_cli.json("stats")["cancelled"] == 1
    assert not (pg_cli.data_dir / "jobs").exists()


def test_unreachable_database_is_one_line_without_the_password(cli: Cli) -> None:
    cli.env["SEMIONT_JOBS_JOB_STORE_BACKEND"] = "postgres"
    cli.env["SEMIONT_JOBS_JOB_STORE_DSN"] = "postgresql://app:s3cret-pw@127.0.0.1:9/jobs?connect_timeout=2"
    result = cli.run("stats", check=False, timeout=60)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "127.0.0.1" in result.stderr and "s3cret-pw" not in result.stderr
    migrate = cli.run("db", "migrate", check=False, timeout=60)
    assert migrate.returncode == 1 and "s3cret-pw" not in migrate.stderr


def test_migrate_needs_a_dsn(cli: Cli) -> None:
    result = cli.run("db", "migrate", check=False)
    assert result.returncode == 1 and "job_store.dsn" in result.stderr
