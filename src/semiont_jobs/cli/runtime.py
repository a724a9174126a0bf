"""What every command needs: the effective configuration and a container built from it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import attrs

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.cli import settings
from semiont_jobs.container import Container
from semiont_jobs.settings_schema import check_config

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


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine``; any error it raises ends the command in one line (see :mod:`.errors`)."""
    return asyncio.run(coroutine)


async def with_queue(runtime: Runtime, action: Callable[[JobQueue], Awaitable[T]]) -> T:
    """Run ``action`` on the configured queue within the container's lifespan."""
    queue = runtime.container.job_queue()
    async with runtime.container.lifespan():
        return await action(queue)
