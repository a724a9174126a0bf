"""Splitting a text into overlapping chunks that each fit a model's token budget.

A chunk ends at a paragraph break where it can, else at the end of a sentence,
else between words, and the next one starts a little before it ends, at the
start of a sentence or a word, so that a passage near a cut is seen whole by
one of the two chunks. Offsets are code points into the whole text.
"""

from __future__ import annotations

import math
import re
from typing import Final

import attrs

_PARAGRAPH: Final = re.compile(r"\n[ \t]*\n")
_SENTENCE_END: Final = re.compile("[.!?\u3002\uff01\uff1f\u2026][\"'\u201d\u2019)\\]]*\\s+|\n")
_SPACE: Final = re.compile(r"\s+")


def estimate_tokens(text: str) -> int:
    """How many tokens ``text`` takes at most, erring on the safe side for every script.

    A token per three ASCII characters (English averages four) and one per two
    bytes of anything else in UTF-8 (a CJK character counts 1.5, an emoji 2).
    """
    ascii_chars = len(text.encode("ascii", "ignore"))
    other_bytes = len(text.encode("utf-8", "surrogatepass")) - ascii_chars
    return math.ceil(ascii_chars / 3 + other_bytes / 2)


@attrs.frozen(kw_only=True)
class Chunk:
    """``text[start:end]`` of the whole text: the part one model call is shown."""

    index: int
    start: int
    end: int
    text: str

    @property
    def number(self) -> int:
        """1 for the first chunk."""
        return self.index + 1


def _fitting_end(text: str, start: int, max_tokens: int) -> int:
    """The furthest end such that ``text[start:end]`` fits ``max_tokens`` (at least one character)."""
    high = min(len(text), start + 3 * max_tokens)
    if estimate_tokens(text[start:high]) <= max_tokens:
        return high
    low = start + 1
    while low < high:
        middle = (low + high + 1) // 2
        if estimate_tokens(text[start:middle]) <= max_tokens:
            low = middle
        else:
            high = middle - 1
    return low


def _last_break(text: str, low: int, high: int) -> int | None:
    """The best place to cut in ``text[low:high]``: after a paragraph, a sentence or a word."""
    for pattern in (_PARAGRAPH, _SENTENCE_END, _SPACE):
        ends = [match.end() for match in pattern.finditer(text, low, high)]
        if ends:
            return ends[-1]
    return None


def _first_start(text: str, low: int, high: int) -> int:
    """Where in ``text[low:high]`` the next chunk begins: the first sentence, else word, else ``low``."""
    for pattern in (_SENTENCE_END, _SPACE):
        match = pattern.search(text, low, high)
        if match is not None and match.end() < high:
            return match.end()
    return low


def split_text(text: str, max_tokens: int, overlap_tokens: int) -> list[Chunk]:
    """Chunks of ``text`` of at most ``max_tokens`` (estimated), each overlapping the next.

    The overlap is about ``overlap_tokens`` and never more than a third of a
    chunk. A text that fits is one chunk; an empty text is none.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    chunks: list[Chunk] = []
    start = 0
    while start < len(text):
        end = _fitting_end(text, start, max_tokens)
        if end < len(text):
            cut = _last_break(text, start + (end - start) // 2, end)
            end = cut if cut is not None else end
        chunks.append(Chunk(index=len(chunks), start=start, end=end, text=text[start:end]))
        if end >= len(text):
            break
        overlap = min(_chars_for(text, end, overlap_tokens), (end - start) // 3)
        start = max(start + 1, _first_start(text, end - overlap, end))
    return chunks


def _chars_for(text: str, end: int, tokens: int) -> int:
    """How many characters before ``end`` make about ``tokens`` tokens."""
    sample = text[max(0, end - 4 * tokens) : end]
    per_char = estimate_tokens(sample) / len(sample) if sample else 1.0
    return max(1, int(tokens / per_char))
