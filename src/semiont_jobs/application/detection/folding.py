"""A normalised view of a text that maps its positions back to the original.

Folding collapses every run of whitespace to one space, makes typographic
quotes and dashes plain, and optionally lower-cases. Searching the folded view
finds passages whose quote drifted in those ways; the position maps turn what
was found back into code-point offsets of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

import attrs

_WHITESPACE: Final = re.compile(r"\s+")
_PLAIN: Final = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    }
)


def _lower_keeping_length(segment: str) -> str:
    lowered = segment.lower()
    if len(lowered) == len(segment):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in segment)


def fold(text: str, *, lower: bool) -> str:
    """Return ``text`` folded (whitespace runs to one space, plain quotes, optionally lower case)."""
    return FoldedText.of(text, lower=lower).folded


@attrs.frozen
class FoldedText:
    """``folded`` is ``original`` normalised; segment tables map positions between them.

    Segment ``n`` starts at ``folded_starts[n]`` in the folded text and at
    ``original_starts[n]`` in the original. A whitespace segment is one space in
    the folded text and ``original_ends[n] - original_starts[n]`` characters in
    the original; any other segment has the same length in both.
    """

    original: str
    folded: str
    folded_starts: list[int]
    original_starts: list[int]
    original_ends: list[int]
    is_space: list[bool]

    @classmethod
    def of(cls, text: str, *, lower: bool) -> FoldedText:
        parts: list[str] = []
        folded_starts: list[int] = []
        original_starts: list[int] = []
        original_ends: list[int] = []
        is_space: list[bool] = []
        folded_at = 0

        def add(original_start: int, original_end: int, piece: str, space: bool) -> None:
            nonlocal folded_at
            parts.append(piece)
            folded_starts.append(folded_at)
            original_starts.append(original_start)
            original_ends.append(original_end)
            is_space.append(space)
            folded_at += len(piece)

        position = 0
        for run in _WHITESPACE.finditer(text):
            if run.start() > position:
                add(position, run.start(), cls._fold_word(text[position : run.start()], lower), False)
            add(run.start(), run.end(), " ", True)
            position = run.end()
        if position < len(text):
            add(position, len(text), cls._fold_word(text[position:], lower), False)
        return cls(text, "".join(parts), folded_starts, original_starts, original_ends, is_space)

    @staticmethod
    def _fold_word(segment: str, lower: bool) -> str:
        plain = segment.translate(_PLAIN)
        return _lower_keeping_length(plain) if lower else plain

    def _segment_of(self, folded_index: int) -> int:
        return bisect_right(self.folded_starts, folded_index) - 1

    def original_start(self, folded_start: int) -> int:
        """The original offset where a passage starting at ``folded_start`` starts."""
        if folded_start >= len(self.folded):
            return len(self.original)
        n = self._segment_of(folded_start)
        if self.is_space[n]:
            return self.original_starts[n]
        return self.original_starts[n] + folded_start - self.folded_starts[n]

    def original_end(self, folded_end: int) -> int:
        """The original offset where a passage ending (exclusively) at ``folded_end`` ends."""
        if folded_end <= 0:
            return 0
        n = self._segment_of(folded_end - 1)
        if self.is_space[n]:
            return self.original_ends[n]
        return self.original_starts[n] + folded_end - self.folded_starts[n]

    def folded_position(self, original_index: int) -> int:
        """The folded offset of the character at ``original_index`` (clamped to the text)."""
        if not self.original_starts or original_index <= 0:
            return 0
        if original_index >= len(self.original):
            return len(self.folded)
        n = bisect_right(self.original_starts, original_index) - 1
        if self.is_space[n]:
            return self.folded_starts[n]
        return self.folded_starts[n] + original_index - self.original_starts[n]
