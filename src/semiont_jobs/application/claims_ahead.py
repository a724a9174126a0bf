"""Claims taken ahead: jobs a worker claimed before it had a free slot for them, held only briefly."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Sequence

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.ports.job_store import Claim

log = logging.getLogger("semiont_jobs.worker")


class ClaimsAhead:
    """Claims waiting for a slot, oldest first, each to be started within ``hold`` seconds of its claim.

    :meth:`take` gives only claims held for less than ``hold``; :meth:`stale`
    removes and returns the others, which the worker hands back to the queue (so a
    job claimed ahead never waits on a busy worker while others could run it, and
    starts with most of its lease left).
    """

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self._claims: deque[tuple[float, Claim]] = deque()

    def __len__(self) -> int:
        return len(self._claims)

    def add(self, claims: Sequence[Claim]) -> None:
        now = time.monotonic()
        self._claims.extend((now, claim) for claim in claims)

    def take(self, count: int) -> list[Claim]:
        """Up to ``count`` claims that are still fresh, oldest first."""
        taken: list[Claim] = []
        deadline = time.monotonic() - self.hold
        while self._claims and len(taken) < count and self._claims[0][0] > deadline:
            taken.append(self._claims.popleft()[1])
        return taken

    def stale(self) -> list[Claim]:
        """Remove and return the claims held for ``hold`` seconds or more."""
        deadline = time.monotonic() - self.hold
        stale: list[Claim] = []
        while self._claims and self._claims[0][0] <= deadline:
            stale.append(self._claims.popleft()[1])
        return stale

    def all(self) -> list[Claim]:
        """Remove and return every claim (the worker stops)."""
        claims = [claim for _, claim in self._claims]
        self._claims.clear()
        return claims

    def seconds_until_stale(self) -> float | None:
        """How long until the oldest claim goes stale (``None`` when there is none)."""
        if not self._claims:
            return None
        return max(0.0, self._claims[0][0] + self.hold - time.monotonic())


async def hand_back(queue: JobQueue, claims: Sequence[Claim]) -> None:
    """Return jobs claimed ahead, never started, to the queue (as on stop: the attempt is not counted)."""

    async def give_back(claim: Claim) -> None:
        try:
            await queue.finish(claim, claim.job.release())
        except Exception as exc:
            log.warning("could not hand back job %s (%s); its lease will expire", claim.job_id, exc)

    await asyncio.gather(*(give_back(claim) for claim in claims))
