"""Approximate search: where in a text a quote occurs within a few edits.

Candidates come from the pigeonhole principle: split the quote into ``k + 1``
pieces and at least one of them survives ``k`` edits intact, so exact hits of
the pieces (``str.find``) mark every place worth aligning. Each candidate is
then aligned with rapidfuzz's Levenshtein distance, which keeps the search fast
on long texts; the edges of the nearest alignments are then refined
(:mod:`~semiont_jobs.application.detection.edges`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator

import attrs
from rapidfuzz.distance import LCSseq, Levenshtein

from semiont_jobs.application.detection.edges import refine_edges

MIN_BUDGET = 5
BUDGET_SHARE = 20
"""The budget is one edit per ``BUDGET_SHARE`` characters, and never below ``MIN_BUDGET``."""


def fuzzy_budget(length: int) -> int:
    """The most edits a quote of ``length`` characters may be away from the text it names.

    ``max(5, 5% of length)``, but never more than a quarter of the quote: five
    edits would turn any five-letter quote into any other, so short quotes get
    fewer.
    """
    return min(max(MIN_BUDGET, length // BUDGET_SHARE), length // 4)


@attrs.frozen(order=True)
class FuzzyHit:
    """A span ``haystack[start:end]`` that is ``distance`` edits from the quote."""

    start: int
    end: int
    distance: int


class ApproximateSearch:
    """Finds the spans of ``haystack`` within ``budget`` edits of ``needle``.

    Call :meth:`hits_within` with growing windows; diagonals already aligned in
    an earlier window are not aligned again.
    """

    def __init__(self, haystack: str, needle: str, budget: int) -> None:
        self.haystack = haystack
        self.needle = needle
        self.budget = budget
        self._aligned: list[int] = []
        self._seen: set[int] = set()

    def hits_within(self, lo: int, hi: int) -> list[FuzzyHit]:
        """Spans within budget whose alignment has a seed in ``haystack[lo:hi]``."""
        if self.budget <= 0 or not self.needle:
            return []
        m, k = len(self.needle), self.budget
        # A span within k edits keeps at least m - k of the quote's characters in order,
        # so a diagonal whose surroundings share fewer cannot hold one.
        needed = m - k
        promising: list[tuple[int, int]] = []
        for diagonal in self._new_diagonals(lo, hi):
            start = max(0, diagonal - k)
            around = self.haystack[start : max(start, diagonal + m + 2 * k)]
            common = LCSseq.similarity(self.needle, around, score_cutoff=needed)
            if common >= needed:
                promising.append((-common, diagonal))
        promising.sort()
        hits: list[FuzzyHit] = []
        for _common, diagonal in promising:
            if self._covered(diagonal):
                continue
            insort(self._aligned, diagonal)
            hit = self._align(diagonal)
            if hit.distance <= k and all((h.start, h.end) != (hit.start, hit.end) for h in hits):
                hits.append(hit)
        return hits

    def nearest_within(self, lo: int, hi: int) -> list[FuzzyHit]:
        """The hits of :meth:`hits_within` fewest edits from the quote, their edges refined.

        Hits up to one edit worse than the best are refined too, as refining may bring them level.
        """
        hits = self.hits_within(lo, hi)
        if not hits:
            return []
        worst = min(hit.distance for hit in hits) + 1
        refined = {
            FuzzyHit(*refine_edges(self.haystack, self.needle, hit.start, hit.end, hit.distance))
            for hit in hits
            if hit.distance <= worst
        }
        best = min(hit.distance for hit in refined)
        return sorted(hit for hit in refined if hit.distance == best)

    def _covered(self, diagonal: int) -> bool:
        """Whether a diagonal this close has been aligned already."""
        at = bisect_left(self._aligned, diagonal)
        near = self._aligned[max(0, at - 1) : at + 1]
        return any(abs(diagonal - done) <= self.budget // 2 for done in near)

    def _new_diagonals(self, lo: int, hi: int) -> Iterator[int]:
        m, k = len(self.needle), self.budget
        found: set[int] = set()
        pieces = k + 1
        for n in range(pieces):
            offset, stop = m * n // pieces, m * (n + 1) // pieces
            piece = self.needle[offset:stop]
            if not piece:
                continue
            at = self.haystack.find(piece, lo, hi)
            while at != -1:
                found.add(at - offset)
                at = self.haystack.find(piece, at + 1, hi)
        fresh = sorted(found - self._seen)
        self._seen.update(fresh)
        return iter(fresh)

    def _distance(self, start: int, end: int) -> int:
        return Levenshtein.distance(self.needle, self.haystack[start:end], score_cutoff=4 * self.budget)

    def _align(self, diagonal: int) -> FuzzyHit:
        """Best span near ``diagonal``: vary the start, then the end, then the start again."""
        m, k, size = len(self.needle), self.budget, len(self.haystack)
        starts = range(max(0, diagonal - k), max(0, min(size - 1, diagonal + k)) + 1)
        start = min(starts, key=lambda i: (self._distance(i, i + m), abs(i - diagonal)))
        ends = range(start + max(1, m - k), min(size, start + m + k) + 1)
        end = min(ends, key=lambda j: (self._distance(start, j), abs(j - start - m)), default=size)
        starts = range(max(0, end - m - k), max(0, end - max(1, m - k)) + 1)
        start = min(starts, key=lambda i: (self._distance(i, end), abs(i - start)), default=start)
        return FuzzyHit(start, end, self._distance(start, end))
