"""``semiont-jobs work``: run the annotation workers until a signal stops them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import click

from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.cli.errors import FiniteFloat
from semiont_jobs.cli.log_format import configure_logging
from semiont_jobs.cli.runtime import Runtime, run
from semiont_jobs.domain.vocabulary import JOB_TYPES
from semiont_jobs.settings_schema import choices

log = logging.getLogger("semiont_jobs.cli")


def select_workers(workers: list[JobWorker], types: tuple[str, ...]) -> list[JobWorker]:
    """The workers that take at least one of ``types`` (all of them when none is named)."""
    if not types:
        return workers
    return [worker for worker in workers if worker.types is None or worker.types & set(types)]


async def serve_status(runtime: Runtime, workers: list[JobWorker], stack: contextlib.AsyncExitStack) -> None:
    """Serve ``/health`` and ``/metrics`` on ``workers.health_port`` until ``stack`` closes."""
    container = runtime.container
    monitor = container.health_monitor(workers=workers)
    await monitor.probe()
    server = container.status_server(health=monitor.report)
    await server.open()
    stack.push_async_callback(server.close)
    probing = asyncio.create_task(monitor.run(), name="health probe")
    stack.callback(probing.cancel)
    log.info("serving /health and /metrics on %s", server.url)


async def run_workers(runtime: Runtime, types: tuple[str, ...]) -> None:
    """Run the selected workers until SIGINT or SIGTERM, then stop them within ``workers.stop_grace``."""
    configure_logging(runtime.config["workers"]["log_format"])
    container = runtime.container
    workers = select_workers(list(container.workers()), types)
    grace = runtime.config["workers"]["stop_grace"]
    async with container.lifespan(), contextlib.AsyncExitStack() as stack:
        if runtime.config["workers"]["health_port"] is not None:
            await serve_status(runtime, workers, stack)
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
@click.option(
    "--health-port",
    type=click.IntRange(min=0, max=65535),
    help="Serve GET /health and GET /metrics on this port (workers.health_port; 0: any free port; "
    "bound to workers.health_host, default 127.0.0.1).",
)
@click.option(
    "--log-format",
    type=click.Choice(choices("workers.log_format")),
    help="One line of text or one JSON object per log record (workers.log_format, default text).",
)
@click.pass_obj
def work_command(
    runtime: Runtime,
    types: tuple[str, ...],
    concurrency: int | None,
    grace: float | None,
    health_port: int | None,
    log_format: str | None,
) -> None:
    """Run the annotation workers until SIGINT or SIGTERM."""
    runtime.flags["workers.concurrency"] = concurrency
    runtime.flags["workers.stop_grace"] = grace
    runtime.flags["workers.health_port"] = health_port
    runtime.flags["workers.log_format"] = log_format
    run(run_workers(runtime, types))
