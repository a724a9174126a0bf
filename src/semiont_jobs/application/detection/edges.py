"""Where an approximate match begins and ends: the best of the spans around an alignment.

A typo on the first or last character of a quote leaves several spans equally
near it: "xudget was" is one edit from both "budget was" and "udget was". Among
the spans whose edges lie within :data:`EDGE_SHIFT` characters of an
alignment's, the fewest edits from the quote wins; a tie goes to the span whose
edges cut no word and no character sequence (a letter and its combining marks,
emoji joined or modified), then to the one whose first and last characters are
of the kind of the quote's (a substituted letter is still a letter), then to
the one that keeps more of the quote's characters in order, then to the length
of the quote and the alignment's own edges.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

from rapidfuzz.distance import LCSseq, Levenshtein

EDGE_SHIFT: Final = 3
"""How far each edge may move in one round of refinement."""

MAX_ROUNDS: Final = 3
"""Rounds of refinement (the end, then the start) while an edge still moves."""

_JOINER: Final = "\u200d"


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a mark, joiner, selector or emoji modifier)."""
    return (
        unicodedata.category(char).startswith("M")
        or char == _JOINER
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
    )


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _kind(char: str) -> int:
    """0 for a letter, digit or mark, 1 for whitespace, 2 for punctuation, 3 for anything else."""
    if _in_word(char):
        return 0
    if char.isspace():
        return 1
    return 2 if unicodedata.category(char).startswith("P") else 3


def _cuts(text: str, position: int) -> bool:
    """Whether a span edge at ``position`` falls inside a word or a character sequence."""
    if position <= 0 or position >= len(text):
        return False
    before, after = text[position - 1], text[position]
    return _extends(after) or before == _JOINER or (_in_word(before) and _in_word(after))


def clean_edges(text: str, start: int, end: int) -> int:
    """How many of the edges of ``text[start:end]`` (0 to 2) fall between words, not on whitespace."""
    clean_start = not text[start].isspace() and not _cuts(text, start)
    clean_end = not text[end - 1].isspace() and not _cuts(text, end)
    return clean_start + clean_end


def closest_span(
    haystack: str, needle: str, spans: Sequence[tuple[int, int]], near: tuple[int, int], cutoff: int
) -> tuple[int, int, int]:
    """Of ``spans`` of ``haystack``, the nearest ``needle``, as ``(start, end, distance)``.

    One span must be within ``cutoff`` edits; distances above it are not told apart. Ties go as the
    module says, and the last of them to the span nearest ``near``.
    """
    distances = [Levenshtein.distance(needle, haystack[s:e], score_cutoff=cutoff) for s, e in spans]
    distance = min(distances)
    tied = [span for span, d in zip(spans, distances, strict=True) if d == distance]
    if len(tied) == 1:
        return *tied[0], distance
    m, first, last = len(needle), needle[0], needle[-1]

    def rank(span: tuple[int, int]) -> tuple[int, int, int, int, int]:
        s, e = span
        kinds = (_kind(haystack[s]) == _kind(first)) + (_kind(haystack[e - 1]) == _kind(last))
        kept = LCSseq.similarity(needle, haystack[s:e])
        off = abs(s - near[0]) + abs(e - near[1])
        return -clean_edges(haystack, s, e), -kinds, -kept, abs(e - s - m), off

    return *min(tied, key=rank), distance


def refine_edges(haystack: str, needle: str, start: int, end: int, distance: int) -> tuple[int, int, int]:
    """The best span for ``needle`` near ``haystack[start:end]``, which is ``distance`` edits from it.

    Returns ``(start, end, distance)``, from :func:`closest_span` over shifts of up to
    :data:`EDGE_SHIFT` of the end, then of the start, in turn until neither moves (at most
    :data:`MAX_ROUNDS` rounds). The distance returned is never more than the one given.
    """
    size = len(haystack)
    for _ in range(MAX_ROUNDS):
        was = start, end
        ends = range(max(start + 1, end - EDGE_SHIFT), min(size, end + EDGE_SHIFT) + 1)
        _, end, distance = closest_span(haystack, needle, [(start, j) for j in ends], was, distance)
        starts = range(max(0, start - EDGE_SHIFT), min(end - 1, start + EDGE_SHIFT) + 1)
        start, _, distance = closest_span(haystack, needle, [(i, end) for i in starts], was, distance)
        if (start, end) == was:
            break
    return start, end, distance
