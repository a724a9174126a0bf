"""One gate per model: how many calls to it may be in flight at once, across every caller of a client."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final
from urllib.parse import urlsplit

from semiont_jobs.adapters.helpers.inference_calls import whole_number

HOSTED_CONCURRENCY: Final = 4
"""Calls in flight by default to a hosted API (Anthropic's, OpenAI's, a remote server)."""
LOCAL_CONCURRENCY: Final = 1
"""Calls in flight by default to an OpenAI-compatible server on a loopback address, which
typically answers one request at a time."""


def is_loopback(base_url: str | None) -> bool:
    """Whether ``base_url`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    host = (urlsplit(base_url).hostname or "") if base_url else ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def max_concurrency(value: int | None, *, local_server: bool) -> int:
    """``inference.max_concurrency``, checked; when None, :data:`LOCAL_CONCURRENCY` for a local
    OpenAI-compatible server and :data:`HOSTED_CONCURRENCY` otherwise."""
    chosen = whole_number("inference.max_concurrency", value)
    if chosen is not None:
        return chosen
    return LOCAL_CONCURRENCY if local_server else HOSTED_CONCURRENCY


class CallGate:
    """Lets at most ``limit`` calls through at once; the others wait their turn, first come first served.

    A call's own timeout should start once it is through (``async with gate.passed():``
    around the request), so that waiting here never counts against it.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"a gate must let at least one call through, not {limit}")
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)
        self.in_flight = 0

    @asynccontextmanager
    async def passed(self) -> AsyncIterator[None]:
        """Wait for a free slot, hold it for the body, free it however the body ends."""
        async with self._slots:
            self.in_flight += 1
            try:
                yield
            finally:
                self.in_flight -= 1

    def __repr__(self) -> str:
        return f"CallGate(limit={self.limit}, in_flight={self.in_flight})"
