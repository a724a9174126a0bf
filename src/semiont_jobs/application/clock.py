"""The current time, as the application reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)
