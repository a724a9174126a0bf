"""A normalised view of a text that maps its positions back to the original.

Folding collapses every run of whitespace to one space, makes typographic
quotes and dashes plain, and optionally lower-cases. Searching the folded view
finds passages whose quote drifted in those ways; the position maps turn what
was found back into code-point offsets of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Final

import attrs

_WHITESPACE: Final = re.compile(r"\s+")
_SINGLE_QUOTES: Final = "\u2018\u2019\u201a\u201b\u2032"
_DOUBLE_QUOTES: Final = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2212"
_PLAIN: Final = str.maketrans(
    _SINGLE_QUOTES + _DOUBLE_QUOTES + _DASHES,
    "'" * len(_SINGLE_QUOTES) + '"' * len(_DOUBLE_QUOTES) + "-" * len(_DASHES),
)


def _lower_keeping_length(segment: str) -> str:
    lowered = segment.lower()
    if len(lowered) == len(segment):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in segment)


def fold(text: str, *, lower: bool) -> str:
    """Return ``text`` folded (whitespace runs to one space, plain quotes, optionally lower case)."""
    plain = _WHITESPACE.sub(" ", text.translate(_PLAIN))
    return _lower_keeping_length(plain) if lower else plain


@attrs.frozen
class FoldedText:
    """``folded`` is ``original`` folded, with the whitespace runs that map positions between them.

    Run ``k`` spans ``run_starts[k]:run_ends[k]`` in the original and is the one
    space at ``run_folded[k]`` in the folded text; every other character keeps
    its place relative to the runs around it.
    """

    original: str
    folded: str
    run_folded: list[int]
    run_starts: list[int]
    run_ends: list[int]

    @classmethod
    def of(cls, text: str, *, lower: bool) -> FoldedText:
        runs = [match.span() for match in _WHITESPACE.finditer(text)]
        removed_before = [0, *accumulate(end - start - 1 for start, end in runs)]
        return cls(
            original=text,
            folded=fold(text, lower=lower),
            run_folded=[start - removed for (start, _), removed in zip(runs, removed_before, strict=False)],
            run_starts=[start for start, _ in runs],
            run_ends=[end for _, end in runs],
        )

    def lowered(self) -> FoldedText:
        """The same view, lower-cased (positions are unchanged)."""
        return attrs.evolve(self, folded=_lower_keeping_length(self.folded))

    def _original_index(self, folded_index: int) -> int:
        k = bisect_right(self.run_folded, folded_index) - 1
        if k < 0:
            return folded_index
        return self.run_ends[k] + folded_index - self.run_folded[k] - 1

    def original_start(self, folded_start: int) -> int:
        """The original offset where a passage starting at ``folded_start`` starts."""
        if folded_start >= len(self.folded):
            return len(self.original)
        k = bisect_right(self.run_folded, folded_start) - 1
        if k >= 0 and self.run_folded[k] == folded_start:
            return self.run_starts[k]
        return self._original_index(folded_start)

    def original_end(self, folded_end: int) -> int:
        """The original offset where a passage ending (exclusively) at ``folded_end`` ends."""
        if folded_end <= 0:
            return 0
        return self._original_index(folded_end - 1) + 1

    def folded_position(self, original_index: int) -> int:
        """The folded offset of the character at ``original_index`` (clamped to the text)."""
        index = min(max(original_index, 0), len(self.original))
        k = bisect_right(self.run_starts, index) - 1
        if k < 0:
            return index
        if index < self.run_ends[k]:
            return self.run_folded[k]
        return self.run_folded[k] + 1 + index - self.run_ends[k]
