"""The EventBus promise, checked against every bus adapter."""

from __future__ import annotations

import asyncio
import json

import pytest

from semiont_jobs import EventBus, ResourceId
from semiont_jobs.ports import Event
from tests.contract.conftest import DURABLE_EVENT_BUS_ADAPTERS, EVENT_BUS_ADAPTERS
from tests.support.bus_process import child_spec, open_bus, read_line, spawn
from tests.support.durable import DurableEventBus
from tests.support.events import Recorder

R1 = ResourceId("res-1")
R2 = ResourceId("res-2")


@pytest.fixture(params=EVENT_BUS_ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> EventBus:
    bus: EventBus = request.getfixturevalue(request.param)
    return bus


class TestEventBusContract:
    async def test_subscriber_receives_payload_on_its_channel(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("mark:create", recorder)
        await adapter.publish("mark:create", {"annotation": {"id": "a1"}, "userId": "u1"})
        await recorder.wait_for_count(1)
        [event] = recorder.events
        assert event.channel == "mark:create"
        assert event.payload == {"annotation": {"id": "a1"}, "userId": "u1"}
        assert event.scope is None

    async def test_other_channels_are_not_delivered(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("job:complete", recorder)
        await adapter.publish("job:start", {"jobId": "j1"})
        await adapter.publish("job:complete", {"jobId": "j1"})
        await recorder.wait_for_count(1)
        assert recorder.channels == ["job:complete"]

    async def test_all_channels_subscription(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe(None, recorder)
        await adapter.publish("job:start", {"n": 1})
        await adapter.publish("job:complete", {"n": 2})
        await recorder.wait_for_count(2)
        assert recorder.channels == ["job:start", "job:complete"]

    async def test_events_arrive_in_publish_order(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("tick", recorder)
        for n in range(100):
            await adapter.publish("tick", {"n": n})
        await recorder.wait_for_count(100)
        assert [event.payload["n"] for event in recorder.events] == list(range(100))

    async def test_scoped_events_stay_in_their_scope(self, adapter: EventBus) -> None:
        root, in_r1, in_r2 = Recorder(), Recorder(), Recorder()
        await adapter.subscribe("mark:progress", root)
        await adapter.scope(R1).subscribe("mark:progress", in_r1)
        await adapter.scope(R2).subscribe("mark:progress", in_r2)
        await adapter.scope(R1).publish("mark:progress", {"percentage": 10})
        await adapter.scope(R2).publish("mark:progress", {"percentage": 20})
        await adapter.publish("mark:progress", {"percentage": 30})
        await in_r1.wait_for_count(1)
        await in_r2.wait_for_count(1)
        await root.wait_for_count(1)
        assert [(e.scope, e.payload["percentage"]) for e in in_r1.events] == [(R1, 10)]
        assert [(e.scope, e.payload["percentage"]) for e in in_r2.events] == [(R2, 20)]
        assert [(e.scope, e.payload["percentage"]) for e in root.events] == [(None, 30)]

    async def test_every_scope_subscription_sees_global_and_scoped(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe(None, recorder, every_scope=True)
        await adapter.publish("job:start", {"n": 1})
        await adapter.scope(R1).publish("job:queued", {"n": 2})
        await recorder.wait_for_count(2)
        assert [(e.channel, e.scope) for e in recorder.events] == [("job:start", None), ("job:queued", R1)]

    async def test_failing_handler_does_not_reach_publisher_or_others(self, adapter: EventBus) -> None:
        async def explode(_event: Event) -> None:
            raise RuntimeError("handler bug")

        recorder = Recorder()
        await adapter.subscribe("x", explode)
        await adapter.subscribe("x", recorder)
        await adapter.publish("x", {"n": 1})
        await adapter.publish("x", {"n": 2})
        await recorder.wait_for_count(2)
        assert [e.payload["n"] for e in recorder.events] == [1, 2]

    async def test_closed_subscription_gets_nothing_more(self, adapter: EventBus) -> None:
        closed, sentinel = Recorder(), Recorder()
        subscription = await adapter.subscribe("x", closed)
        await adapter.subscribe("x", sentinel)
        await adapter.publish("x", {"n": 1})
        await closed.wait_for_count(1)
        await subscription.close()
        await subscription.close()
        await adapter.publish("x", {"n": 2})
        await sentinel.wait_for_count(2)
        assert [e.payload["n"] for e in closed.events] == [1]


class TestDurableEventBusContract:
    """What a bus that keeps a log promises beyond the port: replay, cursors, other processes."""

    @pytest.fixture(params=DURABLE_EVENT_BUS_ADAPTERS)
    def adapter(self, request: pytest.FixtureRequest) -> DurableEventBus:
        bus: DurableEventBus = request.getfixturevalue(request.param)
        return bus

    async def test_published_events_are_numbered_and_replayed_in_order(
        self, adapter: DurableEventBus
    ) -> None:
        for n in range(5):
            await adapter.publish("tick", {"n": n})
        events = [event async for event in adapter.replay()]
        assert [e.payload["n"] for e in events] == list(range(5))
        seqs = [e.seq for e in events if e.seq is not None]
        assert len(seqs) == 5
        assert seqs == sorted(seqs) and len(set(seqs)) == 5

    async def test_replay_starts_at_the_given_seq(self, adapter: DurableEventBus) -> None:
        for n in range(5):
            await adapter.publish("tick", {"n": n})
        third = [e async for e in adapter.replay()][2]
        events = [e async for e in adapter.replay(from_seq=third.seq)]
        assert [e.payload["n"] for e in events] == [2, 3, 4]

    async def test_replay_keeps_channel_scope_and_time(self, adapter: DurableEventBus) -> None:
        await adapter.scope(R1).publish("mark:progress", {"percentage": 10})
        await adapter.publish("job:start", {"jobId": "j1"})
        events = [e async for e in adapter.replay()]
        assert [(e.channel, e.scope, e.payload) for e in events] == [
            ("mark:progress", R1, {"percentage": 10}),
            ("job:start", None, {"jobId": "j1"}),
        ]
        assert all(e.time is not None for e in events)
        assert [e.channel async for e in adapter.scope(R1).replay()] == ["mark:progress"]
        assert [e.channel async for e in adapter.replay(channel="job:start")] == ["job:start"]

    async def test_a_new_bus_on_the_same_medium_sees_the_log_and_continues_it(
        self, adapter: DurableEventBus
    ) -> None:
        await adapter.publish("tick", {"n": 0})
        other = open_bus(child_spec(adapter))
        try:
            await other.publish("tick", {"n": 1})
            events = [e async for e in other.replay()]
        finally:
            await other.close()
        assert [e.payload["n"] for e in events] == [0, 1]
        assert events[0].seq is not None and events[1].seq is not None
        assert events[1].seq > events[0].seq

    async def test_a_named_consumer_resumes_after_its_acknowledged_seq(
        self, adapter: DurableEventBus
    ) -> None:
        for n in range(4):
            await adapter.publish("tick", {"n": n})
        assert await adapter.cursor("indexer") is None
        seen = []
        async for event in adapter.replay(consumer="indexer"):
            seen.append(event.payload["n"])
            assert event.seq is not None
            await adapter.ack("indexer", event.seq)
            if len(seen) == 2:
                break
        await adapter.publish("tick", {"n": 4})
        rest = [e.payload["n"] async for e in adapter.replay(consumer="indexer")]
        assert (seen, rest) == ([0, 1], [2, 3, 4])
        assert [e.payload["n"] async for e in adapter.replay(consumer="newcomer")] == [0, 1, 2, 3, 4]

    async def test_follow_reads_the_backlog_then_live_events(self, adapter: DurableEventBus) -> None:
        await adapter.publish("tick", {"n": 0})
        received: list[int] = []

        async def follow() -> None:
            async for event in adapter.follow():
                received.append(event.payload["n"])
                if len(received) == 3:
                    return

        follower = asyncio.create_task(follow())
        await adapter.publish("tick", {"n": 1})
        await asyncio.sleep(0.05)
        await adapter.publish("tick", {"n": 2})
        await asyncio.wait_for(follower, 5)
        assert received == [0, 1, 2]

    @pytest.mark.slow
    async def test_events_published_in_another_process_are_delivered(self, adapter: DurableEventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("load", recorder)
        publisher = await spawn(child_spec(adapter), "publish", "child", "20")
        assert await publisher.wait() == 0
        await recorder.wait_for_count(20)
        assert [e.payload for e in recorder.events] == [{"publisher": "child", "n": n} for n in range(20)]

    @pytest.mark.slow
    async def test_another_process_receives_what_this_one_publishes(self, adapter: DurableEventBus) -> None:
        subscriber = await spawn(child_spec(adapter), "subscribe", "3")
        assert await read_line(subscriber) == "ready"
        for n in range(3):
            await adapter.publish("load", {"publisher": "parent", "n": n})
        lines = [json.loads(await read_line(subscriber)) for _ in range(3)]
        assert await subscriber.wait() == 0
        assert [line["payload"]["n"] for line in lines] == [0, 1, 2]

    async def test_close_is_idempotent_and_ends_deliveries(self, adapter: EventBus) -> None:
        recorder = Recorder()
        await adapter.subscribe("x", recorder)
        await adapter.publish("x", {"n": 1})
        await recorder.wait_for_count(1)
        await adapter.close()
        await adapter.close()
        assert [e.payload["n"] for e in recorder.events] == [1]
