"""What every command needs: the effective configuration and a container built from it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import attrs

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.cli import settings
from semiont_jobs.container import Container, check_config

T = TypeVar("T")


@attrs.define
class Runtime:
    """The resolved configuration of one invocation, and the container it builds on demand."""

    flags: dict[str, Any]
    config_file: Path | None
    _config: dict[str, Any] | None = None
    _container: Container | None = None

    @property
    def config(self) -> dict[str, Any]:
        if self._config is None:
            self._config = settings.resolve(self.flags, config_file=self.config_file)
        return self._config

    @property
    def container(self) -> Container:
        if self._container is None:
            check_config(self.config)
            container = Container()
            container.config.from_dict(self.config)
            self._container = container
        return self._container

    async def close(self, queue: JobQueue) -> None:
        """Close the queue's store and its event bus."""
        try:
            await queue.close()
        finally:
            if queue.event_bus is not None:
                await queue.event_bus.close()

    async def open_queue(self) -> JobQueue:
        queue = self.container.job_queue()
        await queue.open()
        return queue


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine``; any error it raises ends the command in one line (see :mod:`.errors`)."""
    return asyncio.run(coroutine)


async def with_queue(runtime: Runtime, action: Callable[[JobQueue], Awaitable[T]]) -> T:
    """Open the configured queue, run ``action`` on it, close it."""
    queue = await runtime.open_queue()
    try:
        return await action(queue)
    finally:
        await runtime.close(queue)
