"""``semiont-jobs work``: run the annotation workers until a signal stops them."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import click

from semiont_jobs.application.job_logging import JobIdFilter
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.cli.errors import FiniteFloat
from semiont_jobs.cli.runtime import Runtime, run
from semiont_jobs.domain.vocabulary import JOB_TYPES

log = logging.getLogger("semiont_jobs.cli")


def configure_logging(level: int = logging.INFO) -> None:
    """One line per record on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(JobIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(job_id)s]: %(message)s"))
    root = logging.getLogger("semiont_jobs")
    root.handlers[:] = [handler]
    root.setLevel(level)


def select_workers(workers: list[JobWorker], types: tuple[str, ...]) -> list[JobWorker]:
    """The workers that take at least one of ``types`` (all of them when none is named)."""
    if not types:
        return workers
    return [worker for worker in workers if worker.types is None or worker.types & set(types)]


async def run_workers(runtime: Runtime, types: tuple[str, ...]) -> None:
    """Run the selected workers until SIGINT or SIGTERM, then stop them within ``workers.stop_grace``."""
    container = runtime.container
    workers = select_workers(list(container.workers()), types)
    grace = runtime.config["workers"]["stop_grace"]
    async with container.lifespan():
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        tasks = [asyncio.create_task(worker.start(), name=worker.worker_name()) for worker in workers]
        log.info("running %s", ", ".join(worker.worker_name() for worker in workers))
        stop_wait = asyncio.create_task(stopping.wait())
        done, _ = await asyncio.wait({stop_wait, *tasks}, return_when=asyncio.FIRST_COMPLETED)
        if stop_wait not in done:
            stop_wait.cancel()
            for task in done:
                task.result()
        log.info("stopping: letting running jobs finish for up to %g s", grace)
        await asyncio.gather(*(worker.stop() for worker in workers))
        await asyncio.gather(*tasks)
        log.info("stopped")


@click.command("work")
@click.option("--type", "types", multiple=True, type=click.Choice(JOB_TYPES), help="Only these job types.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Jobs each worker runs at once.")
@click.option(
    "--grace",
    type=FiniteFloat(min=0, max=86_400),
    help="Seconds running jobs get to finish after SIGINT/SIGTERM before they are handed back "
    "(workers.stop_grace, default 60).",
)
@click.pass_obj
def work_command(
    runtime: Runtime, types: tuple[str, ...], concurrency: int | None, grace: float | None
) -> None:
    """Run the annotation workers until SIGINT or SIGTERM."""
    configure_logging()
    runtime.flags["workers.concurrency"] = concurrency
    runtime.flags["workers.stop_grace"] = grace
    run(run_workers(runtime, types))
