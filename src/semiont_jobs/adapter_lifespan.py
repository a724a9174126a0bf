"""The container's lifespan: open the adapters it built, close them again, in reverse order.

Each port has a dependency-injector ``Resource`` whose initialisation opens the
port's adapter and whose shutdown closes it (:func:`opened`); :func:`lifespan`
initialises the resources of the ports the container has built and shuts them
down on exit. Building an adapter stays free of I/O: only the lifespan opens.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from dependency_injector import containers, providers

T = TypeVar("T")

PORTS: tuple[str, ...] = ("tracer", "job_store", "event_bus", "inference_client", "content_fetcher")
"""The ports the lifespan opens, in this order; it closes them in the reverse one (the tracer last,
so that it exports the spans of the others' closing)."""


@runtime_checkable
class Opens(Protocol):
    """An adapter with something to prepare before use (a connection, a directory)."""

    async def open(self) -> Any: ...


@runtime_checkable
class Closes(Protocol):
    """An adapter holding something to release (connections, files, tasks)."""

    async def close(self) -> Any: ...


def remember(built: dict[str, object], port: str, adapter: T) -> T:
    """Note that the container handed out ``adapter`` for ``port``, and hand it out."""
    built[port] = adapter
    return adapter


def port(
    built: providers.Provider[dict[str, object]], name: str, adapters: providers.Provider[T]
) -> providers.Provider[T]:
    """The provider of port ``name``: the adapter ``adapters`` selects, noted in ``built`` when handed out."""
    return providers.Callable(remember, built, name, adapters)


def is_built(container: containers.Container, port: str) -> bool:
    """Whether the container has built ``port``'s adapter, or was given one by an override."""
    provider: providers.Provider[Any] = getattr(container, port)
    return bool(provider.overridden) or port in container.built_adapters()


async def opened(adapter: T) -> AsyncIterator[T]:
    """Open ``adapter``, hand it out, and close it when the resource shuts down (also if opening failed)."""
    try:
        if isinstance(adapter, Opens):
            await adapter.open()
        yield adapter
    finally:
        if isinstance(adapter, Closes):
            await adapter.close()


async def _shut_down(resource: providers.Resource[Any]) -> None:
    await resource.shutdown()  # type: ignore[misc]


async def _close(adapter: object) -> None:
    if isinstance(adapter, Closes):
        await adapter.close()


def _resource(container: containers.Container, port: str) -> providers.Resource[Any]:
    resource: providers.Resource[Any] = getattr(container, f"{port}_lifespan")
    return resource


@contextlib.asynccontextmanager
async def lifespan(container: containers.Container, ports: Sequence[str] = PORTS) -> AsyncIterator[None]:
    """Open every adapter ``container`` has built, in ``ports`` order, run the body, close them.

    On exit, also when the body or an opening raised, every built adapter is closed
    once, in reverse order: those this lifespan opened, those built inside the body
    (never opened), those left unopened after an opening failed. An adapter that a
    lifespan around this one opened is left to it.
    """
    tried: set[str] = set()
    try:
        for port in ports:
            resource = _resource(container, port)
            if is_built(container, port) and not resource.initialized:
                tried.add(port)
                await resource.init()  # type: ignore[misc]
        yield
    finally:
        async with contextlib.AsyncExitStack() as stack:
            for port in ports:
                resource = _resource(container, port)
                if port in tried and resource.initialized:
                    stack.push_async_callback(_shut_down, resource)
                elif port not in tried and is_built(container, port) and not resource.initialized:
                    stack.push_async_callback(_close, getattr(container, port)())
