"""The filesystem event bus's own promises: its files, torn lines, segments, retention."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from semiont_jobs import FilesystemEventBus, ResourceId
from semiont_jobs.adapters.filesystem.events import log_hub
from semiont_jobs.adapters.filesystem.events.event_log import list_segments, segment_path
from semiont_jobs.adapters.helpers.durable_files import datasync
from semiont_jobs.cli.events import print_events
from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.ports.errors import EventBusError
from semiont_jobs.testing.recorder import Recorder


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[FilesystemEventBus]:
    bus = FilesystemEventBus(tmp_path)
    yield bus
    await bus.close()


def append_bytes(path: Path, data: bytes) -> None:
    """What a writer that crashed mid-line leaves behind."""
    with path.open("ab") as file:
        file.write(data)


def lines(bus: FilesystemEventBus) -> list[bytes]:
    return b"".join(s.path.read_bytes() for s in list_segments(bus.directory)).splitlines()


async def payloads(
    bus: FilesystemEventBus, from_seq: int | None = None, consumer: str | None = None
) -> list[object]:
    return [event.payload["n"] async for event in bus.replay(from_seq, consumer=consumer)]


async def test_nothing_touches_the_disk_before_first_use(tmp_path: Path) -> None:
    bus = FilesystemEventBus(tmp_path / "data")
    bus.scope(ResourceId("r1"))
    await bus.close()
    assert not (tmp_path / "data").exists()


async def test_each_event_is_one_json_line(bus: FilesystemEventBus) -> None:
    await bus.scope(ResourceId("r1")).publish(
        JsonMessage(channel="mark:progress", payload={"percentage": 5, "text": "é"})
    )
    [line] = lines(bus)
    record = json.loads(line)
    assert set(record) == {"seq", "time", "channel", "scope", "payload"}
    assert (record["seq"], record["channel"], record["scope"]) == (1, "mark:progress", "r1")
    assert record["payload"] == {"percentage": 5, "text": "é"}
    assert record["time"].endswith("Z")


async def test_a_payload_that_is_not_json_is_refused_and_nothing_is_written(
    bus: FilesystemEventBus,
) -> None:
    await bus.publish(JsonMessage(channel="x", payload={"n": 0}))
    with pytest.raises(EventBusError, match=r"payload on channel 'job:fail' is not JSON"):
        await bus.publish(JsonMessage(channel="job:fail", payload={"error": object()}))
    with pytest.raises(EventBusError, match="channel must be a non-empty string"):
        await bus.publish(JsonMessage(channel="", payload={}))
    assert len(lines(bus)) == 1


async def test_an_unwritable_directory_is_an_event_bus_error(tmp_path: Path) -> None:
    (tmp_path / "events").write_text("a file where the log should be")
    bus = FilesystemEventBus(tmp_path)
    with pytest.raises(EventBusError, match="events"):
        await bus.publish(JsonMessage(channel="x", payload={}))
    await bus.close()


async def test_a_bad_consumer_name_is_refused(bus: FilesystemEventBus) -> None:
    with pytest.raises(ValueError, match=r"consumer name '../etc' is not allowed"):
        await bus.ack("../etc", 1)
    with pytest.raises(ValueError, match="from_seq or consumer"):
        [e async for e in bus.replay(1, consumer="c")]


async def test_publishes_in_flight_together_share_syncs(
    bus: FilesystemEventBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs: list[int] = []

    def counting(fd: int) -> None:
        syncs.append(fd)
        datasync(fd)

    monkeypatch.setattr(log_hub, "datasync", counting)
    await asyncio.gather(*(bus.publish(JsonMessage(channel="x", payload={"n": n})) for n in range(50)))
    assert await payloads(bus) == list(range(50))
    assert 1 <= len(syncs) < 10


async def test_without_fsync_nothing_is_synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    syncs: list[int] = []
    monkeypatch.setattr(log_hub, "datasync", syncs.append)
    bus = FilesystemEventBus(tmp_path, fsync=False)
    await bus.publish(JsonMessage(channel="x", payload={"n": 0}))
    await bus.close()
    assert syncs == []
    assert len(lines(bus)) == 1


async def test_a_torn_last_line_is_skipped_and_not_glued_to(
    bus: FilesystemEventBus, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await bus.publish(JsonMessage(channel="x", payload={"n": 0}))
    [segment] = list_segments(bus.directory)
    append_bytes(segment.path, b'{"seq":2,"time":"2026-01-01T00:00:00.000Z","chan')
    assert await payloads(bus) == [0]
    other = FilesystemEventBus(tmp_path)
    with caplog.at_level(logging.WARNING, "semiont_jobs.events"):
        await other.publish(JsonMessage(channel="x", payload={"n": 1}))
        assert await payloads(other) == [0, 1]
    await other.close()
    assert "torn line" in caplog.text
    assert "not an event" in caplog.text
    assert [json.loads(line)["payload"] for line in lines(bus)[-1:]] == [{"n": 1}]


async def test_a_live_subscriber_gets_past_a_torn_line(bus: FilesystemEventBus, tmp_path: Path) -> None:
    recorder = Recorder()
    await bus.subscribe("x", recorder)
    await bus.publish(JsonMessage(channel="x", payload={"n": 0}))
    [segment] = list_segments(bus.directory)
    append_bytes(segment.path, b'{"seq":9,"ti')
    other = FilesystemEventBus(tmp_path)
    await other.publish(JsonMessage(channel="x", payload={"n": 1}))
    await other.close()
    await recorder.wait_for_count(2)
    assert [e.payload["n"] for e in recorder.events] == [0, 1]


async def test_segments_roll_by_size_and_readers_cross_them(tmp_path: Path) -> None:
    bus = FilesystemEventBus(tmp_path, segment_bytes=300, fsync=False)
    recorder = Recorder()
    await bus.subscribe("x", recorder)
    for n in range(40):
        await bus.publish(JsonMessage(channel="x", payload={"n": n}))
    await recorder.wait_for_count(40)
    segments = list_segments(bus.directory)
    assert len(segments) > 5
    assert segments[0].start == 1
    assert all(s.path.stat().st_size < 300 + 120 for s in segments)
    assert [e.payload["n"] for e in recorder.events] == list(range(40))
    assert await payloads(bus) == list(range(40))
    assert await payloads(bus, from_seq=segments[2].start) == list(range(segments[2].start - 1, 40))
    await bus.close()


async def test_retention_keeps_what_a_named_consumer_has_not_read(tmp_path: Path) -> None:
    bus = FilesystemEventBus(tmp_path, segment_bytes=200, max_bytes=1, fsync=False)
    await bus.ack("slow", 10)
    for n in range(60):
        await bus.publish(JsonMessage(channel="x", payload={"n": n}))
    assert list_segments(bus.directory)[0].start > 1, "segments read by every consumer go"
    assert await payloads(bus, consumer="slow") == list(range(10, 60))
    await bus.ack("slow", 60)
    assert bus.apply_retention() > 0
    assert len(list_segments(bus.directory)) == 1
    await bus.close()


async def test_retention_by_age_spares_young_segments(tmp_path: Path) -> None:
    from datetime import timedelta

    bus = FilesystemEventBus(tmp_path, segment_bytes=200, max_age=timedelta(hours=1), fsync=False)
    for n in range(20):
        await bus.publish(JsonMessage(channel="x", payload={"n": n}))
    assert bus.apply_retention() == 0
    oldest = list_segments(bus.directory)[0].path
    os.utime(oldest, (0, 0))
    assert bus.apply_retention() == 1
    assert not oldest.exists()
    await bus.close()


async def test_compact_removes_what_it_is_told_and_readers_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bus = FilesystemEventBus(tmp_path, segment_bytes=200, fsync=False)
    for n in range(30):
        await bus.publish(JsonMessage(channel="x", payload={"n": n}))
    await bus.ack("slow", 2)
    assert await bus.compact() == 0, "the default keeps what a consumer has not read"
    removed = await bus.compact(before_seq=15)
    assert removed > 0
    oldest = list_segments(bus.directory)[0].start
    assert 1 < oldest <= 15
    with caplog.at_level(logging.WARNING, "semiont_jobs.events"):
        assert await payloads(bus, consumer="slow") == list(range(oldest - 1, 30))
    assert "were removed" in caplog.text
    await bus.close()


async def test_print_events_prints_filters_and_resumes_a_consumer(bus: FilesystemEventBus) -> None:
    await bus.publish(JsonMessage(channel="job:start", payload={"jobId": "j1"}))
    await bus.scope(ResourceId("r1")).publish(
        JsonMessage(channel="mark:progress", payload={"percentage": 50})
    )
    out = io.StringIO()
    assert await print_events(bus, out=out) == 2
    first, second = out.getvalue().splitlines()
    assert first.split()[:1] == ["1"] and first.endswith('job:start  {"jobId": "j1"}')
    assert "mark:progress  [r1]" in second

    out = io.StringIO()
    assert await print_events(bus, out=out, channel="mark:progress", as_json=True) == 1
    assert json.loads(out.getvalue())["payload"] == {"percentage": 50}

    assert await print_events(bus, out=io.StringIO(), consumer="cli") == 2
    await bus.publish(JsonMessage(channel="job:complete", payload={"jobId": "j1"}))
    out = io.StringIO()
    assert await print_events(bus, out=out, consumer="cli", as_json=True) == 1
    assert json.loads(out.getvalue())["seq"] == 3
    assert await bus.cursor("cli") == 3


async def test_print_events_follows_until_cancelled(bus: FilesystemEventBus) -> None:
    out = io.StringIO()
    printing = asyncio.create_task(print_events(bus, out=out, follow=True, from_seq=1, as_json=True))
    await bus.publish(JsonMessage(channel="x", payload={"n": 0}))
    for _ in range(100):
        if out.getvalue():
            break
        await asyncio.sleep(0.02)
    printing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await printing
    assert [json.loads(line)["payload"] for line in out.getvalue().splitlines()] == [{"n": 0}]


async def test_a_line_nested_past_the_recursion_limit_is_skipped(bus: FilesystemEventBus) -> None:
    await bus.publish(JsonMessage(channel="x", payload={"n": 1}))
    append_bytes(segment_path(bus.directory, 1), b'{"seq":2,"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")
    await bus.publish(JsonMessage(channel="x", payload={"n": 3}))
    assert await asyncio.wait_for(payloads(bus), 10) == [1, 3]


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
    await bus.publish(JsonMessage(channel="x", payload={"n": 1}))
    make(segment_path(bus.directory, 900))
    await asyncio.wait_for(bus.publish(JsonMessage(channel="x", payload={"n": 2})), 10)
    assert await asyncio.wait_for(payloads(bus), 10) == [1, 2]
    other = FilesystemEventBus(bus.directory.parent)
    await asyncio.wait_for(other.publish(JsonMessage(channel="x", payload={"n": 3})), 10)
    assert await asyncio.wait_for(payloads(other), 10) == [1, 2, 3]
    await other.close()


async def test_a_cursor_that_is_a_fifo_is_an_event_bus_error_not_a_hang(bus: FilesystemEventBus) -> None:
    await bus.publish(JsonMessage(channel="x", payload={"n": 1}))
    await bus.ack("reader", 1)
    cursor = next(bus.directory.rglob("reader.json"))
    cursor.unlink()
    os.mkfifo(cursor)
    with pytest.raises(EventBusError, match="FIFO"):
        await asyncio.wait_for(payloads(bus, consumer="reader"), 10)
