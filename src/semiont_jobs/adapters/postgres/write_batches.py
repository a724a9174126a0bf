"""Group commit for one connection's worth of writes: calls that arrive together go in one flush."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

Flush = Callable[[Sequence[Item]], Awaitable[Sequence[Result | Exception]]]
"""Writes a batch and returns, for each item in order, its result or the error to raise to its caller."""


class WriteBatches(Generic[Item, Result]):
    """Collects concurrent :meth:`submit` calls into batches for ``flush``.

    A call made while no flush runs starts one at once (nothing waits for company,
    so a lone caller pays no extra latency); calls made while a flush runs go in the
    next one, at most ``max_batch`` items each. One flush runs at a time. Each caller
    gets its own item's result or error; an error raised by ``flush`` itself goes to
    every caller of that batch. A caller cancelled while waiting does not withdraw
    its item: once submitted, it is written (like a statement already sent).
    """

    def __init__(self, flush: Flush[Item, Result], *, max_batch: int = 256) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="postgres write batch")
        return await future

    async def _run(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                await self._write(batch)
        except BaseException:
            batch, self._waiting = self._waiting, []
            for _, future in batch:
                future.cancel()
            raise
        finally:
            self._runner = None

    async def _write(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
        except Exception as exc:
            results = [exc] * len(batch)
        except BaseException:
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
