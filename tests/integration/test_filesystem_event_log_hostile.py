"""The filesystem event log with hostile entries in its folder: skipped or refused, never hung on."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from semiont_jobs import EventBusError, FilesystemEventBus
from semiont_jobs.adapters.filesystem.events.event_log import segment_path


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[FilesystemEventBus]:
    bus = FilesystemEventBus(tmp_path)
    yield bus
    await bus.close()


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)


async def numbers(bus: FilesystemEventBus) -> list[object]:
    return [event.payload["n"] async for event in bus.replay(None)]


async def test_a_line_nested_past_the_recursion_limit_is_skipped(bus: FilesystemEventBus) -> None:
    await bus.publish("x", {"n": 1})
    append(segment_path(bus.directory, 1), b'{"seq":2,"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    await bus.publish("x", {"n": 3})
    assert await asyncio.wait_for(numbers(bus), 10) == [1, 3]


@pytest.mark.parametrize(
    "make",
    [
        lambda path: os.mkfifo(path),
        lambda path: path.mkdir(),
        lambda path: path.symlink_to("/dev/zero"),
    ],
    ids=["fifo", "folder", "link-to-dev-zero"],
)
async def test_entries_named_like_segments_that_are_no_files_are_no_segments(
    bus: FilesystemEventBus, make: Callable[[Path], None]
) -> None:
    await bus.publish("x", {"n": 1})
    make(segment_path(bus.directory, 900))
    await asyncio.wait_for(bus.publish("x", {"n": 2}), 10)
    assert await asyncio.wait_for(numbers(bus), 10) == [1, 2]
    other = FilesystemEventBus(bus.directory.parent)
    await asyncio.wait_for(other.publish("x", {"n": 3}), 10)
    assert await asyncio.wait_for(numbers(other), 10) == [1, 2, 3]
    await other.close()


async def test_a_cursor_that_is_a_fifo_is_an_event_bus_error_not_a_hang(bus: FilesystemEventBus) -> None:
    await bus.publish("x", {"n": 1})
    await bus.ack("reader", 1)
    cursor = next(bus.directory.rglob("reader.json"))
    cursor.unlink()
    os.mkfifo(cursor)
    with pytest.raises(EventBusError, match="FIFO"):
        await asyncio.wait_for(numbers_after(bus, "reader"), 10)


async def numbers_after(bus: FilesystemEventBus, consumer: str) -> list[object]:
    return [event.payload["n"] async for event in bus.replay(consumer=consumer)]
