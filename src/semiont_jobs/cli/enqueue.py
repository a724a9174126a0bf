"""``semiont-jobs enqueue``: validate and create one job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import click

from semiont_jobs.application.job_queue import JobQueue, QueuedJob, new_job_id
from semiont_jobs.cli.errors import FiniteFloat
from semiont_jobs.cli.runtime import Runtime, run, with_queue
from semiont_jobs.codec import format_time, job_from_dict, job_to_dict, read_json
from semiont_jobs.domain.errors import InvalidJobError
from semiont_jobs.domain.jobs import DEFAULT_MAX_RETRIES, PendingJob
from semiont_jobs.domain.uniqueness import unique_key_of
from semiont_jobs.domain.vocabulary import JOB_TYPES
from semiont_jobs.ports.clock import utc_now

MAX_FILE_BYTES = 16 * 2**20
"""A job file given with ``--file`` is read up to this size (the reference's are a few kilobytes)."""


def _params_from_options(job_type: str, options: dict[str, Any]) -> dict[str, Any]:
    if job_type == "generation":
        raise click.UsageError("generation jobs carry an annotation and context: give them with --file")
    if not options["resource"]:
        raise click.UsageError(f"{job_type} needs --resource")
    params: dict[str, Any] = {"resourceId": options["resource"]}
    if job_type == "reference-annotation":
        if not options["entity_type"]:
            raise click.UsageError("reference-annotation needs at least one --entity-type")
        params["entityTypes"] = list(options["entity_type"])
        if options["descriptive"]:
            params["includeDescriptiveReferences"] = True
    elif job_type == "tag-annotation":
        if not options["schema"] or not options["category"]:
            raise click.UsageError("tag-annotation needs --schema and at least one --category")
        params["schemaId"] = options["schema"]
        params["categories"] = list(options["category"])
    else:
        for option, key in (("instructions", "instructions"), ("tone", "tone"), ("density", "density")):
            if options[option] is not None:
                params[key] = options[option]
    return params


def build_job(job_type: str | None, options: dict[str, Any]) -> PendingJob[Any]:
    """The pending job the options (or ``--file``) describe; raises on anything invalid."""
    file: Path | None = options["file"]
    data: dict[str, Any]
    if file is not None:
        loaded = _read_job_file(file)
        if isinstance(loaded, dict) and "status" in loaded:
            data = loaded
        elif job_type is None:
            raise click.UsageError("give the job TYPE when --file holds only params")
        else:
            data = {"params": loaded}
    else:
        if job_type is None:
            raise click.UsageError("give the job TYPE (or --file with a whole job)")
        data = {"params": _params_from_options(job_type, options)}
    data.setdefault("status", "pending")
    metadata = data.setdefault("metadata", {})
    if isinstance(metadata, dict):  # anything else is reported as the job's error below
        if job_type is not None:
            metadata.setdefault("type", job_type)
        metadata.setdefault("id", options["job_id"] or new_job_id())
        metadata.setdefault("userId", options["user_id"])
        metadata.setdefault("userName", options["user_name"])
        metadata.setdefault("userEmail", options["user_email"])
        metadata.setdefault("userDomain", options["user_domain"])
        metadata.setdefault("created", format_time(utc_now()))
        metadata.setdefault("retryCount", 0)
        metadata.setdefault("maxRetries", options["max_retries"])
    try:
        job = job_from_dict(data)
    except InvalidJobError as exc:
        where = f"job file {file}" if file else "job"
        raise click.ClickException(f"invalid {where}: {exc}") from exc
    if not isinstance(job, PendingJob):
        raise click.ClickException(f"a new job must be pending, not {job.status}")
    if options.get("priority"):
        job = attrs.evolve(job, metadata=attrs.evolve(job.metadata, priority=options["priority"]))
    if options.get("unique"):
        key = unique_key_of(job.type, job.params)
        job = attrs.evolve(job, metadata=attrs.evolve(job.metadata, unique_key=key))
    return job


def _read_job_file(file: Path) -> Any:
    """The JSON in ``file``, read up to :data:`MAX_FILE_BYTES` (a pipe or ``/dev/zero`` included)."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise click.ClickException(f"cannot read job file {file}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise click.ClickException(f"cannot read job file {file}: it is larger than {MAX_FILE_BYTES} bytes")
    try:
        return read_json(raw)
    except InvalidJobError as exc:
        raise click.ClickException(f"cannot read job file {file}: {exc.reason}") from exc


@click.command("enqueue")
@click.argument("job_type", required=False, type=click.Choice(JOB_TYPES))
@click.option("--resource", help="Resource id (all types but generation).")
@click.option("--entity-type", multiple=True, help="reference-annotation: an entity type (repeatable).")
@click.option("--descriptive", is_flag=True, help="reference-annotation: include descriptive references.")
@click.option("--instructions", help="highlight/assessment/comment: extra instructions.")
@click.option("--tone", help="assessment/comment: tone.")
@click.option("--density", type=FiniteFloat(), help="highlight/assessment/comment: desired density.")
@click.option("--schema", help="tag-annotation: schema id (legal-irac, scientific-imrad, argument-toulmin).")
@click.option("--category", multiple=True, help="tag-annotation: a category (repeatable).")
@click.option("--file", type=click.Path(path_type=Path), help="A whole pending job, or the params, as JSON.")
@click.option("--id", "job_id", help="Job id (default: a new random id).")
@click.option("--user-id", default="cli", show_default=True)
@click.option("--user-name", default="")
@click.option("--user-email", default="")
@click.option("--user-domain", default="localhost", show_default=True)
@click.option("--max-retries", type=click.IntRange(min=0), default=DEFAULT_MAX_RETRIES, show_default=True)
@click.option("--priority", type=int, default=0, show_default=True, help="Higher is claimed first.")
@click.option(
    "--unique",
    is_flag=True,
    help="Create nothing when a pending or running job has the same type, resource and params; "
    "print that job's id instead.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the created (or existing) job as JSON.")
@click.pass_obj
def enqueue_command(runtime: Runtime, /, job_type: str | None, as_json: bool, **options: Any) -> None:
    """Validate and create a job of TYPE; print its id."""
    job = build_job(job_type, options)

    async def action(queue: JobQueue) -> QueuedJob:
        return await queue.create_job(job)

    stored = run(with_queue(runtime, action))
    click.echo(json.dumps(job_to_dict(stored), indent=2) if as_json else stored.id)


__all__ = ["build_job", "enqueue_command"]
