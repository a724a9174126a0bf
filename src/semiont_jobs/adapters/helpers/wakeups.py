"""Tasks waiting for work, and waking them: what every job store's ``wait_for_work`` needs.

Not an adapter: a neutral helper the job store adapters share.
"""

from __future__ import annotations

import asyncio
import contextlib


class Wakeups:
    """Waiters that :meth:`wake` releases all at once; each also gives up after its timeout."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def wake(self) -> None:
        """Release every task waiting now (later waiters are not affected)."""
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, timeout: float) -> None:
        """Return when :meth:`wake` is called, or after ``timeout`` seconds."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, timeout)
        finally:
            self._waiters.discard(waiter)
