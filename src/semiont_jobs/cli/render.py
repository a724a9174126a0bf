"""How the command shows jobs to people (tables) and to scripts (JSON)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from semiont_jobs.codec import format_time, unstructure
from semiont_jobs.domain.jobs import CompleteJob, FailedJob, Job, PendingJob, RunningJob
from semiont_jobs.domain.queries import QueueStats

STAT_NAMES = ("pending", "running", "complete", "failed", "cancelled", "quarantined")


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def progress_percentage(job: RunningJob[Any, Any]) -> float | None:
    """How far a running job has got, 0-100, when its progress says."""
    progress = job.progress
    if progress is None:
        return None
    percentage = getattr(progress, "percentage", None)
    if isinstance(percentage, int | float):
        return float(percentage)
    total = getattr(progress, "total_entity_types", 0)
    done = getattr(progress, "processed_entity_types", 0)
    return 100.0 * done / total if total else None


def progress_text(job: RunningJob[Any, Any]) -> str:
    progress = job.progress
    if progress is None:
        return "starting"
    parts = [str(getattr(progress, "stage", "") or getattr(progress, "current_entity_type", "") or "")]
    message = getattr(progress, "message", None)
    if message:
        parts.append(str(message))
    return " - ".join(part for part in parts if part)


def _detail(job: Job) -> str:
    if isinstance(job, RunningJob):
        percentage = progress_percentage(job)
        return progress_text(job) + (f" ({percentage:.0f}%)" if percentage is not None else "")
    if isinstance(job, FailedJob):
        return job.error
    if isinstance(job, CompleteJob):
        if job.result is None:
            return ""
        result = unstructure(job.result)
        return " ".join(f"{key}={json.dumps(value, separators=(',', ':'))}" for key, value in result.items())
    if isinstance(job, PendingJob) and job.last_error:
        retry = f", retry after {format_time(job.run_after)}" if job.run_after else ""
        return f"attempt {job.metadata.retry_count} failed: {job.last_error}{retry}"
    return ""


def jobs_table(jobs: Sequence[Job]) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("TYPE", no_wrap=True)
    table.add_column("STATUS", no_wrap=True)
    table.add_column("CREATED", no_wrap=True)
    table.add_column("TRIES", no_wrap=True)
    table.add_column("DETAIL", overflow="fold", min_width=24)
    for job in jobs:
        table.add_row(
            job.id,
            job.type,
            job.status,
            format_time(job.metadata.created)[:19].replace("T", " "),
            f"{job.metadata.retry_count}/{job.metadata.max_retries}",
            _detail(job),
        )
    return table


def stats_table(stats: QueueStats) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("STATUS")
    table.add_column("JOBS", justify="right")
    for name, count in stats_dict(stats).items():
        table.add_row(name, str(count))
    table.add_row("total", str(stats.total))
    return table


def stats_dict(stats: QueueStats) -> dict[str, int]:
    return {name: getattr(stats, name) for name in STAT_NAMES}


def make_console() -> Console:
    """A console for tables: the terminal's width, or a wide page when output is piped."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)
