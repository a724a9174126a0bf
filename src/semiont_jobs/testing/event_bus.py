"""The EventBus contract: what every bus promises, and what a bus with a log or a shared
medium promises beyond it."""

from __future__ import annotations

import asyncio
import json
from typing import Any, ClassVar

import pytest

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.event_bus import Event, EventBus
from semiont_jobs.testing import bus_messages
from semiont_jobs.testing.bus_process import read_line, spawn
from semiont_jobs.testing.contract import Contract, requires
from semiont_jobs.testing.durable_bus import BusOpener
from semiont_jobs.testing.recorder import Recorder

R1 = ResourceId("res-1")
R2 = ResourceId("res-2")


class EventBusContract(Contract):
    """Subclass it, override the ``adapter`` fixture to yield your bus, and set the flags
    for what your bus promises beyond the port.

    ``keeps_log``: the bus is a :class:`~semiont_jobs.testing.DurableEventBus` that numbers
    events and can ``replay`` and ``follow`` them; ``keeps_cursors``: named consumers
    ``ack`` their place and resume from it; ``spans_processes``: buses that :meth:`opener`
    opens on the same medium, in this process or another, share its events.
    """

    __test__ = False

    keeps_log: ClassVar[bool] = False
    keeps_cursors: ClassVar[bool] = False
    spans_processes: ClassVar[bool] = False

    @pytest.fixture
    def adapter(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must override the adapter fixture")

    def opener(self, bus: Any) -> BusOpener:
        """How another bus opens the medium ``bus`` works on (needed for ``spans_processes``)."""
        raise NotImplementedError(f"{type(self).__name__} sets spans_processes but overrides no opener()")

    async def publish(self, bus: EventBus, channel: str, payload: JsonObject) -> None:
        """Every publish of the suite."""
        await bus_messages.publish(bus, channel, payload)

    def payload(self, event: Event) -> JsonObject:
        """Every payload the suite reads from a delivered or replayed event."""
        return bus_messages.payload_of(event)

    async def test_subscriber_receives_payload_on_its_channel(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("mark:create", recorder)
        await self.publish(adapter, "mark:create", {"annotation": {"id": "a1"}, "userId": "u1"})
        await recorder.wait_for_count(1)
        [event] = recorder.events
        assert event.channel == "mark:create"
        assert self.payload(event) == {"annotation": {"id": "a1"}, "userId": "u1"}
        assert event.scope is None

    async def test_other_channels_are_not_delivered(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("job:complete", recorder)
        await self.publish(adapter, "job:start", {"jobId": "j1"})
        await self.publish(adapter, "job:complete", {"jobId": "j1"})
        await recorder.wait_for_count(1)
        assert recorder.channels == ["job:complete"]

    async def test_all_channels_subscription(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe(None, recorder)
        await self.publish(adapter, "job:start", {"n": 1})
        await self.publish(adapter, "job:complete", {"n": 2})
        await recorder.wait_for_count(2)
        assert recorder.channels == ["job:start", "job:complete"]

    async def test_events_arrive_in_publish_order(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("tick", recorder)
        for n in range(100):
            await self.publish(adapter, "tick", {"n": n})
        await recorder.wait_for_count(100)
        assert [self.payload(event)["n"] for event in recorder.events] == list(range(100))

    async def test_scoped_events_stay_in_their_scope(self, adapter: EventBus) -> None:
        root, in_r1, in_r2 = Recorder(), Recorder(), Recorder()
        await adapter.subscribe("mark:progress", root)
        await adapter.scope(R1).subscribe("mark:progress", in_r1)
        await adapter.scope(R2).subscribe("mark:progress", in_r2)
        await self.publish(adapter.scope(R1), "mark:progress", {"percentage": 10})
        await self.publish(adapter.scope(R2), "mark:progress", {"percentage": 20})
        await self.publish(adapter, "mark:progress", {"percentage": 30})
        await in_r1.wait_for_count(1)
        await in_r2.wait_for_count(1)
        await root.wait_for_count(1)
        assert [(e.scope, self.payload(e)["percentage"]) for e in in_r1.events] == [(R1, 10)]
        assert [(e.scope, self.payload(e)["percentage"]) for e in in_r2.events] == [(R2, 20)]
        assert [(e.scope, self.payload(e)["percentage"]) for e in root.events] == [(None, 30)]

    async def test_every_scope_subscription_sees_global_and_scoped(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe(None, recorder, every_scope=True)
        await self.publish(adapter, "job:start", {"n": 1})
        await self.publish(adapter.scope(R1), "job:queued", {"n": 2})
        await recorder.wait_for_count(2)
        assert [(e.channel, e.scope) for e in recorder.events] == [("job:start", None), ("job:queued", R1)]

    async def test_failing_handler_does_not_reach_publisher_or_others(self, adapter: EventBus) -> None:
        async def explode(_event: Event) -> None:
            raise RuntimeError("handler bug")

        recorder = Recorder()
        await adapter.subscribe("x", explode)
        await adapter.subscribe("x", recorder)
        await self.publish(adapter, "x", {"n": 1})
        await self.publish(adapter, "x", {"n": 2})
        await recorder.wait_for_count(2)
        assert [self.payload(e)["n"] for e in recorder.events] == [1, 2]

    async def test_closed_subscription_gets_nothing_more(self, adapter: EventBus) -> None:
        closed, sentinel = Recorder(), Recorder()
        subscription = await adapter.subscribe("x", closed)
        await adapter.subscribe("x", sentinel)
        await self.publish(adapter, "x", {"n": 1})
        await closed.wait_for_count(1)
        await subscription.close()
        await subscription.close()
        await self.publish(adapter, "x", {"n": 2})
        await sentinel.wait_for_count(2)
        assert [self.payload(e)["n"] for e in closed.events] == [1]

    async def test_close_is_idempotent_and_ends_deliveries(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("x", recorder)
        await self.publish(adapter, "x", {"n": 1})
        await recorder.wait_for_count(1)
        await adapter.close()
        await adapter.close()
        assert [self.payload(e)["n"] for e in recorder.events] == [1]

    @requires("keeps_log")
    async def test_published_events_are_numbered_and_replayed_in_order(self, adapter: Any) -> None:
        for n in range(5):
            await self.publish(adapter, "tick", {"n": n})
        events = [event async for event in adapter.replay()]
        assert [self.payload(e)["n"] for e in events] == list(range(5))
        seqs = [e.seq for e in events if e.seq is not None]
        assert len(seqs) == 5
        assert seqs == sorted(seqs) and len(set(seqs)) == 5

    @requires("keeps_log")
    async def test_replay_starts_at_the_given_seq(self, adapter: Any) -> None:
        for n in range(5):
            await self.publish(adapter, "tick", {"n": n})
        third = [e async for e in adapter.replay()][2]
        events = [e async for e in adapter.replay(from_seq=third.seq)]
        assert [self.payload(e)["n"] for e in events] == [2, 3, 4]

    @requires("keeps_log")
    async def test_replay_keeps_channel_scope_and_time(self, adapter: Any) -> None:
        await self.publish(adapter.scope(R1), "mark:progress", {"percentage": 10})
        await self.publish(adapter, "job:start", {"jobId": "j1"})
        events = [e async for e in adapter.replay()]
        assert [(e.channel, e.scope, self.payload(e)) for e in events] == [
            ("mark:progress", R1, {"percentage": 10}),
            ("job:start", None, {"jobId": "j1"}),
        ]
        assert all(e.time is not None for e in events)
        assert [e.channel async for e in adapter.scope(R1).replay()] == ["mark:progress"]
        assert [e.channel async for e in adapter.replay(channel="job:start")] == ["job:start"]

    @requires("keeps_log", "spans_processes")
    async def test_a_new_bus_on_the_same_medium_sees_the_log_and_continues_it(self, adapter: Any) -> None:
        await self.publish(adapter, "tick", {"n": 0})
        other = self.opener(adapter).open()
        try:
            await self.publish(other, "tick", {"n": 1})
            events = [e async for e in other.replay()]
        finally:
            await other.close()
        assert [self.payload(e)["n"] for e in events] == [0, 1]
        assert events[0].seq is not None and events[1].seq is not None
        assert events[1].seq > events[0].seq

    @requires("keeps_log", "keeps_cursors")
    async def test_a_named_consumer_resumes_after_its_acknowledged_seq(self, adapter: Any) -> None:
        for n in range(4):
            await self.publish(adapter, "tick", {"n": n})
        assert await adapter.cursor("indexer") is None
        seen = []
        async for event in adapter.replay(consumer="indexer"):
            seen.append(self.payload(event)["n"])
            assert event.seq is not None
            await adapter.ack("indexer", event.seq)
            if len(seen) == 2:
                break
        await self.publish(adapter, "tick", {"n": 4})
        rest = [self.payload(e)["n"] async for e in adapter.replay(consumer="indexer")]
        assert (seen, rest) == ([0, 1], [2, 3, 4])
        assert [self.payload(e)["n"] async for e in adapter.replay(consumer="newcomer")] == [0, 1, 2, 3, 4]

    @requires("keeps_log")
    async def test_follow_reads_the_backlog_then_live_events(self, adapter: Any) -> None:
        await self.publish(adapter, "tick", {"n": 0})
        received: list[int] = []

        async def follow() -> None:
            async for event in adapter.follow():
                received.append(self.payload(event)["n"])
                if len(received) == 3:
                    return

        follower = asyncio.create_task(follow())
        await self.publish(adapter, "tick", {"n": 1})
        await asyncio.sleep(0.05)
        await self.publish(adapter, "tick", {"n": 2})
        await asyncio.wait_for(follower, 5)
        assert received == [0, 1, 2]

    @requires("spans_processes")
    async def test_events_published_in_another_process_are_delivered(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("load", recorder)
        publisher = await spawn(self.opener(adapter), "publish", "child", "20")
        assert await publisher.wait() == 0
        await recorder.wait_for_count(20)
        assert [self.payload(e) for e in recorder.events] == [
            {"publisher": "child", "n": n} for n in range(20)
        ]

    @requires("spans_processes")
    async def test_another_process_receives_what_this_one_publishes(self, adapter: EventBus) -> None:
        subscriber = await spawn(self.opener(adapter), "subscribe", "3")
        assert await read_line(subscriber) == "ready"
        for n in range(3):
            await self.publish(adapter, "load", {"publisher": "parent", "n": n})
        lines = [json.loads(await read_line(subscriber)) for _ in range(3)]
        assert await subscriber.wait() == 0
        assert [line["payload"]["n"] for line in lines] == [0, 1, 2]
