"""When a failed job may run again: exponential backoff with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Delay before retry ``n`` is ``initial_delay * multiplier**(n-1)``, capped at ``max_delay``.

    ``jitter`` is the fraction of the delay that is random: with 0.5 the delay
    lies between half and all of the computed value, so workers that failed
    together do not retry together.
    """

    initial_delay: float = attrs.field(default=2.0, validator=attrs.validators.ge(0))
    multiplier: float = attrs.field(default=2.0, validator=attrs.validators.ge(1))
    max_delay: float = attrs.field(default=300.0, validator=attrs.validators.ge(0))
    jitter: float = attrs.field(default=0.5, validator=[attrs.validators.ge(0), attrs.validators.le(1)])
    random: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)

    def delay(self, retry_count: int) -> float:
        """Seconds to wait before the attempt that follows failure number ``retry_count``."""
        exponent = min(max(retry_count - 1, 0), 64)
        base = min(self.max_delay, self.initial_delay * self.multiplier**exponent)
        return base * (1 - self.jitter * self.random())

    def run_after(self, retry_count: int, now: datetime) -> datetime | None:
        """The instant the retry becomes claimable, ``None`` when there is no delay."""
        seconds = self.delay(retry_count)
        return now + timedelta(seconds=seconds) if seconds > 0 else None


NO_BACKOFF = RetryPolicy(initial_delay=0.0, jitter=0.0)
"""Retry at once (as the reference did)."""
