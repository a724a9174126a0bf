"""A handler that records the events it is given, for tests to wait on and read."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from semiont_jobs.ports import Event


class Recorder:
    """A handler that keeps every event it is given."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    @property
    def channels(self) -> list[str]:
        return [event.channel for event in self.events]

    def on(self, channel: str) -> list[Event]:
        return [event for event in self.events if event.channel == channel]

    async def wait_for(self, condition: Callable[[list[Event]], bool], timeout: float = 5.0) -> None:
        """Wait until ``condition(events)`` holds; fail the test after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition(self.events):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"condition not met; got {self.channels}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_count(self, count: int, timeout: float = 5.0) -> None:
        await self.wait_for(lambda events: len(events) >= count, timeout)
