"""A bus in a child process, for tests across processes.

Run as ``python -m semiont_jobs.testing.bus_process OPENER COMMAND ARGS``; OPENER is a
:class:`BusOpener` as JSON, see :func:`spawn`. Commands:

- ``publish NAME COUNT``: publish ``{"publisher": NAME, "n": 0..COUNT-1}`` on ``load``.
- ``subscribe COUNT``: print ``ready``, then one JSON line per ``load`` event, until COUNT.
- ``consume CONSUMER LAST`` (a bus with a log): follow from CONSUMER's cursor, print each
  event's line, then ack it; stop after the event whose ``n`` is LAST.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from semiont_jobs.ports.event_bus import Event, EventBus
from semiont_jobs.testing.bus_messages import payload_of, publish
from semiont_jobs.testing.durable_bus import BusOpener, DurableEventBus

LOAD = "load"


def event_line(event: Event) -> str:
    return json.dumps({"seq": event.seq, "channel": event.channel, "payload": payload_of(event)})


async def main(opener: str, command: str, *args: str) -> None:
    bus = BusOpener.from_json(opener).open()
    try:
        if command == "publish":
            name, count = args[0], int(args[1])
            for n in range(count):
                await publish(bus, LOAD, {"publisher": name, "n": n})
        elif command == "subscribe":
            await subscribe(bus, int(args[0]))
        elif command == "consume":
            await consume(bus, args[0], int(args[1]))
        else:
            raise SystemExit(f"unknown command {command!r}")
    finally:
        await bus.close()


async def subscribe(bus: EventBus, count: int) -> None:
    received: list[Any] = []
    done = asyncio.Event()

    async def handler(event: Event) -> None:
        received.append(event)
        print(event_line(event), flush=True)
        if len(received) >= count:
            done.set()

    await bus.subscribe(LOAD, handler, every_scope=True)
    print("ready", flush=True)
    await done.wait()


async def consume(bus: DurableEventBus, consumer: str, last: int) -> None:
    async for event in bus.follow(consumer=consumer, channel=LOAD):
        print(event_line(event), flush=True)
        assert event.seq is not None
        await bus.ack(consumer, event.seq)
        if payload_of(event)["n"] == last:
            break


async def spawn(opener: BusOpener, *args: str) -> asyncio.subprocess.Process:
    """Start this program on ``opener``'s medium with ``args``, its stdout piped.

    The child sees this process's ``sys.path``, so it can import what the opener names.
    """
    path = os.pathsep.join(entry for entry in sys.path if entry)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "semiont_jobs.testing.bus_process",
        opener.to_json(),
        *args,
        env={**os.environ, "PYTHONPATH": path},
        stdout=asyncio.subprocess.PIPE,
    )


async def read_line(process: asyncio.subprocess.Process, timeout: float = 20.0) -> str:
    """The child's next line of output (empty when it has ended)."""
    assert process.stdout is not None
    return (await asyncio.wait_for(process.stdout.readline(), timeout)).decode().strip()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
