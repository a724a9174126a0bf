"""The StatusServer port: the worker process's health and metrics, served to probes and scrapers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import attrs


@attrs.frozen
class HealthReport:
    """Whether the worker process is healthy, and if not, why not."""

    healthy: bool
    reason: str = "ok"


HealthCheck = Callable[[], HealthReport]
"""Tells the health of the process now; safe to call from any thread."""


class StatusServer(Protocol):
    """Serves ``GET /health`` (200 when healthy, 503 with the reason otherwise) and ``GET /metrics``.

    ``open`` starts listening and raises
    :class:`~semiont_jobs.ports.errors.ConfigurationError` when the address cannot be
    bound; ``close`` stops (idempotent). Requests are answered apart from the event
    loop, so a loop that stalls still gets a report: the health check's.
    """

    @property
    def url(self) -> str:
        """``http://host:port`` where it listens (the actual port when 0 was asked for)."""
        ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...
