"""``semiont-jobs events``: print the durable event log, or follow it."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import TextIO

import click

from semiont_jobs.adapters.filesystem import FilesystemEventBus
from semiont_jobs.adapters.filesystem.events.consumer_cursors import check_consumer_name
from semiont_jobs.cli.runtime import Runtime, run
from semiont_jobs.codec import format_time
from semiont_jobs.ports.event_bus import Event


def format_event(event: Event, *, as_json: bool) -> str:
    """One event as a log line (``as_json``) or as ``seq  time  channel  [scope]  payload``."""
    time = format_time(event.time) if event.time is not None else None
    if as_json:
        record = {
            "seq": event.seq,
            "time": time,
            "channel": event.channel,
            "scope": event.scope,
            "payload": event.payload,
        }
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    scope = f"  [{event.scope}]" if event.scope is not None else ""
    payload = json.dumps(event.payload, ensure_ascii=False, sort_keys=True)
    return f"{event.seq:>8}  {time}  {event.channel}{scope}  {payload}"


async def print_events(
    bus: FilesystemEventBus,
    *,
    out: TextIO,
    follow: bool = False,
    from_seq: int | None = None,
    channel: str | None = None,
    consumer: str | None = None,
    as_json: bool = False,
) -> int:
    """Print the log's events from ``from_seq`` (or after ``consumer``'s cursor, or from the start)
    to ``out``; with ``follow`` keep printing new ones until cancelled. With ``consumer`` each
    printed event is acknowledged, so the next run goes on where this one stopped. Return how
    many events were printed."""
    read = bus.follow if follow else bus.replay
    printed = 0
    async for event in read(from_seq, consumer=consumer, channel=channel):
        out.write(format_event(event, as_json=as_json) + "\n")
        out.flush()
        printed += 1
        if consumer is not None and event.seq is not None:
            await bus.ack(consumer, event.seq)
    return printed


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
    async with runtime.container.lifespan():
        return await print_events(
            bus,
            out=sys.stdout,
            follow=follow,
            from_seq=from_seq,
            channel=channel,
            consumer=consumer,
            as_json=as_json,
        )


def _consumer_name(_ctx: click.Context, param: click.Parameter, name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return check_consumer_name(name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param=param) from exc


@click.command("events")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until interrupted.")
@click.option("--from", "from_seq", type=click.IntRange(min=0), help="Start at this sequence number.")
@click.option("--channel", help="Only this channel (e.g. mark:create).")
@click.option(
    "--consumer", callback=_consumer_name, help="Named consumer: resume after its cursor and advance it."
)
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
