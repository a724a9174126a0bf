"""The Clock port: the current time, as the application and every adapter read it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time. Tests pass a clock they move by hand; everything else uses :func:`utc_now`."""

    def __call__(self) -> datetime:
        """The current instant, time-zone aware."""
        ...


def utc_now() -> datetime:
    """The system clock: the current instant in UTC."""
    return datetime.now(UTC)
