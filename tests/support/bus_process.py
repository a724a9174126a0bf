"""A bus in a child process, for tests across processes.

Run as ``python -m tests.support.bus_process SPEC COMMAND ARGS``; SPEC names the
medium (``filesystem:<data_dir>``), see :func:`child_spec`. Commands:

- ``publish NAME COUNT``: publish ``{"publisher": NAME, "n": 0..COUNT-1}`` on ``load``.
- ``subscribe COUNT``: print ``ready``, then one JSON line per ``load`` event, until COUNT.
- ``consume CONSUMER LAST``: follow from CONSUMER's cursor, print each event's line, then ack
  it; stop after the event whose ``n`` is LAST.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from semiont_jobs import FilesystemEventBus
from semiont_jobs.ports import Event
from tests.support.durable import DurableEventBus


def child_spec(bus: object) -> str:
    """How a child process opens the medium ``bus`` works on."""
    if isinstance(bus, FilesystemEventBus):
        return f"filesystem:{bus.directory.parent}"
    raise TypeError(f"no child process support for {type(bus).__name__}")


def open_bus(spec: str) -> FilesystemEventBus:
    """A new bus on the medium ``spec`` names."""
    kind, _, where = spec.partition(":")
    if kind == "filesystem":
        return FilesystemEventBus(Path(where))
    raise ValueError(f"unknown bus spec {spec!r}")


def event_line(event: Event) -> str:
    return json.dumps({"seq": event.seq, "channel": event.channel, "payload": event.payload})


async def main(spec: str, command: str, *args: str) -> None:
    bus: DurableEventBus = open_bus(spec)
    try:
        if command == "publish":
            name, count = args[0], int(args[1])
            for n in range(count):
                await bus.publish("load", {"publisher": name, "n": n})
        elif command == "subscribe":
            await subscribe(bus, int(args[0]))
        elif command == "consume":
            consumer, last = args[0], int(args[1])
            async for event in bus.follow(consumer=consumer, channel="load"):
                print(event_line(event), flush=True)
                assert event.seq is not None
                await bus.ack(consumer, event.seq)
                if event.payload["n"] == last:
                    break
        else:
            raise SystemExit(f"unknown command {command!r}")
    finally:
        await bus.close()


async def subscribe(bus: DurableEventBus, count: int) -> None:
    received: list[Any] = []
    done = asyncio.Event()

    async def handler(event: Event) -> None:
        received.append(event)
        print(event_line(event), flush=True)
        if len(received) >= count:
            done.set()

    await bus.subscribe("load", handler, every_scope=True)
    print("ready", flush=True)
    await done.wait()


ROOT = Path(__file__).resolve().parents[2]


async def spawn(spec: str, *args: str) -> asyncio.subprocess.Process:
    """Start ``python -m tests.support.bus_process SPEC ARGS`` with its stdout piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.bus_process",
        spec,
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )


async def read_line(process: asyncio.subprocess.Process, timeout: float = 20.0) -> str:
    """The child's next line of output (empty when it has ended)."""
    assert process.stdout is not None
    return (await asyncio.wait_for(process.stdout.readline(), timeout)).decode().strip()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
