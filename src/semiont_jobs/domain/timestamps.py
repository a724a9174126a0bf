"""Instants as the wire keeps them: UTC, to the millisecond."""

from __future__ import annotations

from datetime import UTC, datetime

from semiont_jobs.domain.errors import DomainError


def to_wire_precision(value: datetime) -> datetime:
    """Return ``value`` in UTC truncated to milliseconds; a naive datetime is an error."""
    if not isinstance(value, datetime):
        raise DomainError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"timestamp {value.isoformat()} has no time zone")
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise DomainError(f"timestamp {value.isoformat()} is out of range in UTC") from None
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def optional_wire_precision(value: datetime | None) -> datetime | None:
    """Like :func:`to_wire_precision`, passing ``None`` through."""
    return None if value is None else to_wire_precision(value)
