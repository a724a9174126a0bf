"""The ``semiont-jobs`` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.cli import render, settings
from semiont_jobs.cli.db import db_group
from semiont_jobs.cli.demo import demo_command
from semiont_jobs.cli.enqueue import enqueue_command
from semiont_jobs.cli.errors import FiniteFloat, OneLineErrors, not_empty
from semiont_jobs.cli.events import events_command
from semiont_jobs.cli.runtime import Runtime, run, with_queue
from semiont_jobs.cli.watch import watch_jobs
from semiont_jobs.cli.work import work_command
from semiont_jobs.codec import job_to_dict
from semiont_jobs.domain.ids import UserId
from semiont_jobs.domain.queries import MAX_PAGE_BOUND
from semiont_jobs.domain.vocabulary import JOB_STATUSES, JOB_TYPES
from semiont_jobs.settings_schema import check_config, choices

console = render.make_console()
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="TOML configuration file.")
@click.option("--data-dir", callback=not_empty, help="Data directory (job_store.data_dir).")
@click.option("--store", type=click.Choice(choices("job_store.backend")), help="job_store.backend")
@click.option("--dsn", callback=not_empty, help="PostgreSQL DSN (job_store.dsn).")
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.pass_context
def cli(
    ctx: click.Context,
    config_file: Path | None,
    data_dir: str | None,
    store: str | None,
    dsn: str | None,
    debug: bool,
) -> None:
    """Run Semiont's annotation workers and manage their job queue."""
    flags = {"job_store.data_dir": data_dir, "job_store.backend": store, "job_store.dsn": dsn}
    ctx.obj = Runtime(flags=flags, config_file=config_file)


pass_runtime = click.make_pass_decorator(Runtime)


@cli.command("list")
@click.option("--status", type=click.Choice(JOB_STATUSES))
@click.option("--type", "job_type", type=click.Choice(JOB_TYPES))
@click.option("--user", "user_id")
@click.option("--limit", type=click.IntRange(0, MAX_PAGE_BOUND), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(0, MAX_PAGE_BOUND), default=0, show_default=True)
@json_option
@pass_runtime
def list_command(
    runtime: Runtime,
    status: Any,
    job_type: Any,
    user_id: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List jobs, newest first."""

    async def action(queue: JobQueue) -> None:
        jobs = await queue.list_jobs(
            status=status,
            type=job_type,
            user_id=UserId(user_id) if user_id else None,
            limit=limit,
            offset=offset,
        )
        if as_json:
            click.echo(render.dumps([job_to_dict(job) for job in jobs]))
        elif not jobs:
            click.echo("no jobs")
        else:
            console.print(render.jobs_table(jobs))

    run(with_queue(runtime, action))


@cli.command()
@click.argument("job_id")
@pass_runtime
def show(runtime: Runtime, job_id: str) -> None:
    """Print one job as JSON."""

    async def action(queue: JobQueue) -> None:
        job = await queue.get_job(job_id)
        if job is None:
            raise click.ClickException(f"no job with id {job_id!r}")
        click.echo(render.dumps(job_to_dict(job)))

    run(with_queue(runtime, action))


@cli.command()
@json_option
@pass_runtime
def stats(runtime: Runtime, as_json: bool) -> None:
    """Count jobs per status."""

    async def action(queue: JobQueue) -> None:
        counts = await queue.get_stats()
        if as_json:
            click.echo(render.dumps(render.stats_dict(counts)))
        else:
            console.print(render.stats_table(counts))

    run(with_queue(runtime, action))


@cli.command()
@click.argument("job_id")
@pass_runtime
def cancel(runtime: Runtime, job_id: str) -> None:
    """Cancel a pending or running job."""

    async def action(queue: JobQueue) -> bool:
        return await queue.cancel_job(job_id)

    if not run(with_queue(runtime, action)):
        raise click.ClickException(f"job {job_id!r} is not pending or running (or does not exist)")
    click.echo(f"cancelled {job_id}")


@cli.command()
@click.argument("job_id")
@pass_runtime
def retry(runtime: Runtime, job_id: str) -> None:
    """Put a failed or cancelled job back in the queue with its retries reset."""

    async def action(queue: JobQueue) -> bool:
        return await queue.retry_job(job_id)

    if not run(with_queue(runtime, action)):
        raise click.ClickException(f"job {job_id!r} is not failed or cancelled (or does not exist)")
    click.echo(f"requeued {job_id}")


@cli.command()
@click.option(
    "--older-than",
    "hours",
    type=FiniteFloat(min=0, max=876_000),
    default=24,
    show_default=True,
    help="Hours since the job finished.",
)
@json_option
@pass_runtime
def cleanup(runtime: Runtime, hours: float, as_json: bool) -> None:
    """Delete complete, failed and cancelled jobs that finished long ago."""

    async def action(queue: JobQueue) -> int:
        return await queue.cleanup_old_jobs(retention_hours=hours)

    deleted = run(with_queue(runtime, action))
    click.echo(render.dumps({"deleted": deleted}) if as_json else f"deleted {deleted} jobs")


@cli.command()
@json_option
@pass_runtime
def recover(runtime: Runtime, as_json: bool) -> None:
    """Return jobs whose lease expired (their worker died) to the queue now."""

    async def action(queue: JobQueue) -> list[Any]:
        return await queue.recover_expired()

    recovered = run(with_queue(runtime, action))
    if as_json:
        click.echo(render.dumps([job_to_dict(job) for job in recovered]))
    else:
        click.echo(f"recovered {len(recovered)} jobs")
        for job in recovered:
            click.echo(f"  {job.id} -> {job.status}")


@cli.command("config")
@json_option
@pass_runtime
def config_command(runtime: Runtime, as_json: bool) -> None:
    """Print the effective configuration, secrets masked, once it has been checked."""
    check_config(runtime.config)
    effective = settings.masked(runtime.config)
    if as_json:
        click.echo(json.dumps(effective, indent=2))
        return
    for section, values in effective.items():
        for key, value in (values or {}).items():
            click.echo(f"{section}.{key} = {value!r}")


@cli.command()
@click.argument("job_id", required=False)
@click.option("--interval", type=FiniteFloat(min=0.05, max=3600), default=0.5, show_default=True)
@pass_runtime
def watch(runtime: Runtime, job_id: str | None, interval: float) -> None:
    """Show live progress of running jobs (or of one job) until they end."""
    run(with_queue(runtime, lambda queue: watch_jobs(queue, console, job_id, interval)))


cli.add_command(db_group)
cli.add_command(demo_command)
cli.add_command(enqueue_command)
cli.add_command(events_command)
cli.add_command(work_command)


def main() -> None:
    """Entry point of the ``semiont-jobs`` console script."""
    cli(prog_name="semiont-jobs")
