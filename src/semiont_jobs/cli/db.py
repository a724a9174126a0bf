"""``semiont-jobs db migrate``: bring the PostgreSQL schema up to date."""

from __future__ import annotations

import click

from semiont_jobs.cli.runtime import Runtime, run


@click.group("db")
def db_group() -> None:
    """Manage the PostgreSQL store's schema."""


@db_group.command("migrate")
@click.option("--schema", help="Schema to migrate (default: job_store.schema).")
@click.pass_obj
def migrate_command(runtime: Runtime, /, schema: str | None) -> None:
    """Apply the package's schema migrations (idempotent; safe to run from several processes)."""
    store = runtime.config["job_store"]
    dsn = store.get("dsn")
    if not dsn:
        raise click.ClickException(
            "configuration job_store.dsn: give --dsn or set SEMIONT_JOBS_JOB_STORE_DSN"
        )
    from semiont_jobs.adapters.postgres import migrate  # psycopg only when this command runs

    applied = run(migrate(dsn, schema=schema or store.get("schema") or "public"))
    click.echo(f"applied migrations {applied}" if applied else "schema is up to date")
