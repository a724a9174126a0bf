"""``semiont-jobs watch``: live progress bars until the watched jobs end."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.cli.render import progress_percentage, progress_text
from semiont_jobs.domain.jobs import Job, PendingJob, RunningJob


async def _watched(queue: JobQueue, job_id: str | None, seen: set[str]) -> list[Job]:
    """The watched job, or every pending and running job plus those seen before."""
    if job_id is not None:
        job = await queue.get_job(job_id)
        return [] if job is None else [job]
    active = [*await queue.list_jobs(status="running"), *await queue.list_jobs(status="pending")]
    ended = [await queue.get_job(gone) for gone in seen - {job.id for job in active}]
    return [*active, *(job for job in ended if job is not None)]


async def watch_jobs(queue: JobQueue, console: Console, job_id: str | None, interval: float) -> None:
    """Show a bar per running job until no watched job is pending or running."""
    bars: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.fields[job]}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        while True:
            jobs = await _watched(queue, job_id, set(bars))
            active = [job for job in jobs if isinstance(job, PendingJob | RunningJob)]
            for job in jobs:
                _update(progress, bars, job)
            if not active:
                break
            await asyncio.sleep(interval)
    if job_id is not None and not bars:
        console.print(f"no job with id {job_id!r}")


def _update(progress: Progress, bars: dict[str, TaskID], job: Job) -> None:
    label = f"{job.id} {job.type}"
    if job.id not in bars:
        bars[job.id] = progress.add_task(job.status, total=100, job=label)
    fields: dict[str, Any] = {"description": job.status}
    if isinstance(job, RunningJob):
        fields["description"] = progress_text(job)
        percentage = progress_percentage(job)
        if percentage is not None:
            fields["completed"] = percentage
    elif job.status == "complete":
        fields["completed"] = 100
    elif job.status == "failed":
        fields["description"] = f"failed: {getattr(job, 'error', '')}"
    progress.update(bars[job.id], **fields)
