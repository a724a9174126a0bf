"""``semiont-jobs events``: print the durable event log, or follow it."""

from __future__ import annotations

import contextlib
import sys

import click

from semiont_jobs.adapters.filesystem import FilesystemEventBus, print_events
from semiont_jobs.cli.runtime import Runtime, run


async def _print(
    runtime: Runtime,
    *,
    follow: bool,
    from_seq: int | None,
    channel: str | None,
    consumer: str | None,
    as_json: bool,
) -> int:
    bus = runtime.container.event_bus()
    if not isinstance(bus, FilesystemEventBus):
        raise click.ClickException(
            f"the configured event bus ({type(bus).__name__}) keeps no log; "
            "use event_bus.backend = 'filesystem'"
        )
    try:
        return await print_events(
            bus,
            out=sys.stdout,
            follow=follow,
            from_seq=from_seq,
            channel=channel,
            consumer=consumer,
            as_json=as_json,
        )
    finally:
        await bus.close()


@click.command("events")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until interrupted.")
@click.option("--from", "from_seq", type=click.IntRange(min=0), help="Start at this sequence number.")
@click.option("--channel", help="Only this channel (e.g. mark:create).")
@click.option("--consumer", help="Named consumer: resume after its cursor and advance it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
def events_command(
    runtime: Runtime,
    /,
    follow: bool,
    from_seq: int | None,
    channel: str | None,
    consumer: str | None,
    as_json: bool,
) -> None:
    """Print the event log the workers published (filesystem event bus)."""
    with contextlib.suppress(KeyboardInterrupt):
        run(
            _print(
                runtime,
                follow=follow,
                from_seq=from_seq,
                channel=channel,
                consumer=consumer,
                as_json=as_json,
            )
        )
