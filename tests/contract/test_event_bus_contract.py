"""The EventBus promise, checked against every bus adapter."""

from __future__ import annotations

import pytest

from semiont_jobs import Event, EventBus, ResourceId
from tests.contract.conftest import EVENT_BUS_ADAPTERS
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
