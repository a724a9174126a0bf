"""The filesystem event bus shared by real processes, killed with real signals."""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from semiont_jobs import FilesystemEventBus
from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.testing import BusOpener
from semiont_jobs.testing.bus_process import read_line, spawn

pytestmark = pytest.mark.slow


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[FilesystemEventBus]:
    bus = FilesystemEventBus(tmp_path)
    yield bus
    await bus.close()


def opener(bus: FilesystemEventBus) -> BusOpener:
    return BusOpener("semiont_jobs.adapters.filesystem:FilesystemEventBus", (str(bus.directory.parent),))


async def read_all(process: asyncio.subprocess.Process) -> list[dict[str, Any]]:
    received = []
    while line := await read_line(process):
        received.append(json.loads(line))
    return received


async def test_three_publishers_two_subscribers_every_event_once_in_order(bus: FilesystemEventBus) -> None:
    per_publisher, publishers = 200, ["p0", "p1", "p2"]
    total = per_publisher * len(publishers)
    spec = opener(bus)
    subscribers = [await spawn(spec, "subscribe", str(total)) for _ in range(2)]
    for subscriber in subscribers:
        assert await read_line(subscriber) == "ready"
    running = [await spawn(spec, "publish", name, str(per_publisher)) for name in publishers]
    assert [await publisher.wait() for publisher in running] == [0, 0, 0]

    seen = []
    for subscriber in subscribers:
        received = await read_all(subscriber)
        assert await subscriber.wait() == 0
        counts = Counter((e["payload"]["publisher"], e["payload"]["n"]) for e in received)
        assert set(counts) == {(name, n) for name in publishers for n in range(per_publisher)}
        assert max(counts.values()) == 1, "delivered more than once"
        for name in publishers:
            order = [e["payload"]["n"] for e in received if e["payload"]["publisher"] == name]
            assert order == list(range(per_publisher))
        seqs = [e["seq"] for e in received]
        assert seqs == sorted(seqs) and len(set(seqs)) == total
        seen.append(seqs)
    assert seen[0] == seen[1], "both subscribers see one order"


async def test_a_killed_consumer_resumes_from_its_cursor(bus: FilesystemEventBus) -> None:
    last = 149
    spec = opener(bus)

    async def publish() -> None:
        for n in range(last + 1):
            await bus.publish(JsonMessage(channel="load", payload={"publisher": "parent", "n": n}))
            await asyncio.sleep(0.002)

    publishing = asyncio.create_task(publish())
    consumer = await spawn(spec, "consume", "indexer", str(last))
    first_run: list[dict[str, Any]] = []
    while len(first_run) < 40:
        first_run.append(json.loads(await read_line(consumer)))
    consumer.send_signal(signal.SIGKILL)
    first_run += await read_all(consumer)
    assert await consumer.wait() == -signal.SIGKILL

    await publishing
    restarted = await spawn(spec, "consume", "indexer", str(last))
    second_run = await read_all(restarted)
    assert await restarted.wait() == 0

    first = [e["payload"]["n"] for e in first_run]
    second = [e["payload"]["n"] for e in second_run]
    assert first == list(range(len(first)))
    assert second[-1] == last
    assert second[0] in (first[-1], first[-1] + 1), "resumes at the last unacknowledged event"
    assert second == list(range(second[0], last + 1))
    assert await bus.cursor("indexer") == second_run[-1]["seq"]
