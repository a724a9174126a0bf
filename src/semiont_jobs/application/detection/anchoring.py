"""Text anchoring: where in the text a model's quoted passage really is.

Models quote passages well and count characters badly. A quote is anchored by
the first strategy that finds it: the offsets as given, an exact search, a
search with whitespace and typographic quotes normalised, the same ignoring
case, and finally an approximate search allowing a few edits near the model's
offset, whose edges are refined so that a typo on the first or last character
neither drops nor adds one. Offsets are Unicode code points (Python ``str``
indices), as in W3C selectors.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Final, Literal

import attrs
from rapidfuzz.distance import Levenshtein

from semiont_jobs.application.detection.edges import clean_edges
from semiont_jobs.application.detection.errors import QuoteNotFoundError
from semiont_jobs.application.detection.folding import FoldedText, fold
from semiont_jobs.application.detection.fuzzy import ApproximateSearch, fuzzy_budget

log = logging.getLogger(__name__)

MatchMethod = Literal["offsets", "exact", "normalized", "case-insensitive", "fuzzy"]
"""How a quote was anchored, from most to least trustworthy."""

CONTEXT_LENGTH: Final = 64
CONTEXT_EXTENSION: Final = 32
FUZZY_RADII: Final[tuple[int | None, ...]] = (2_000, 20_000, None)
"""Distances around the model's offset searched approximately, in turn; ``None`` is the whole text."""

_BOUNDARY: Final = re.compile(r"[\s.,;:!?'\"()\[\]{}<>/\\]")
_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")


def extract_context(text: str, start: int, end: int) -> tuple[str, str]:
    """Return ``(prefix, suffix)``: the text around ``text[start:end]`` for a TextQuoteSelector.

    Each side is up to 64 characters, extended by at most 32 more so as not to
    cut a word; it is empty at the start or end of the text.
    """
    prefix_start = max(0, start - CONTEXT_LENGTH)
    limit = max(0, prefix_start - CONTEXT_EXTENSION)
    while prefix_start > limit and not _BOUNDARY.match(text[prefix_start - 1]):
        prefix_start -= 1
    suffix_end = min(len(text), end + CONTEXT_LENGTH)
    limit = min(len(text), suffix_end + CONTEXT_EXTENSION)
    while suffix_end < limit and not _BOUNDARY.match(text[suffix_end]):
        suffix_end += 1
    return text[prefix_start:start], text[end:suffix_end]


@attrs.frozen(kw_only=True)
class Anchor:
    """A passage of the text: ``exact == text[start:end]``, with its context.

    ``method`` says how it was found; ``distance`` is the number of edits
    between the (normalised) quote and the passage, zero unless ``method`` is
    ``"fuzzy"``.
    """

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    method: MatchMethod
    distance: int = 0

    @property
    def corrected(self) -> bool:
        """Whether the model's offsets were wrong and had to be corrected."""
        return self.method != "offsets"


class TextAnchorer:
    """Anchors quotes in one text; reuse one instance for all quotes of a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folds: dict[bool, FoldedText] = {}
        self._astral: list[int] | None = None

    def anchor(
        self, start: int, end: int, exact: str, *, prefix: str | None = None, suffix: str | None = None
    ) -> Anchor:
        """Find the passage the model quoted as ``exact`` and claimed at ``start``-``end``.

        ``prefix`` and ``suffix`` (the model's view of the surrounding text) choose
        among repeated occurrences before nearness to ``start`` does. Raises
        :class:`QuoteNotFoundError` when no strategy finds the quote.
        """
        text = self.text
        if not exact:
            raise QuoteNotFoundError(exact, start, end, "the quote is empty")
        if 0 <= start <= end <= len(text) and text[start:end] == exact:
            return self._anchor_at(start, end, "offsets")
        spans = _occurrences(text, exact)
        if spans:
            return self._anchor_at(*self._choose(spans, start, prefix, suffix), "exact")
        folds: tuple[tuple[bool, MatchMethod], ...] = ((False, "normalized"), (True, "case-insensitive"))
        for lower, method in folds:
            view = self._fold(lower)
            quote = fold(exact, lower=lower)
            if not quote.strip():
                continue
            spans = [
                (view.original_start(s), view.original_end(e)) for s, e in _occurrences(view.folded, quote)
            ]
            if spans:
                return self._anchor_at(*self._choose(spans, start, prefix, suffix), method)
        return self._fuzzy(start, end, exact, prefix, suffix)

    def _fuzzy(self, start: int, end: int, exact: str, prefix: str | None, suffix: str | None) -> Anchor:
        view = self._fold(True)
        quote = fold(exact, lower=True)
        budget = fuzzy_budget(len(quote))
        if not quote.strip() or budget == 0:
            raise QuoteNotFoundError(exact, start, end, "not in the text, and too short to match loosely")
        search = ApproximateSearch(view.folded, quote, budget)
        hint = view.folded_position(start)
        for radius in FUZZY_RADII:
            lo = 0 if radius is None else max(0, hint - radius)
            hi = len(view.folded) if radius is None else min(len(view.folded), hint + len(quote) + radius)
            hits = search.nearest_within(lo, hi)
            if hits:
                best = hits[0].distance
                spans = [(view.original_start(hit.start), view.original_end(hit.end)) for hit in hits]
                chosen = self._choose(spans, start, prefix, suffix, whole_words=True)
                log.debug("anchored %r approximately (%d edits) at %s", exact[:60], best, chosen)
                return self._anchor_at(*chosen, "fuzzy", distance=best)
            if radius is None or (lo == 0 and hi == len(view.folded)):
                break
        raise QuoteNotFoundError(exact, start, end, f"no passage within {budget} edits; likely invented")

    def _anchor_at(self, start: int, end: int, method: MatchMethod, distance: int = 0) -> Anchor:
        prefix, suffix = extract_context(self.text, start, end)
        return Anchor(
            start=start,
            end=end,
            exact=self.text[start:end],
            prefix=prefix,
            suffix=suffix,
            method=method,
            distance=distance,
        )

    def _choose(
        self,
        spans: Sequence[tuple[int, int]],
        hint: int,
        prefix: str | None,
        suffix: str | None,
        *,
        whole_words: bool = False,
    ) -> tuple[int, int]:
        """The span whose surroundings best match the model's context, then the nearest to ``hint``.

        With ``whole_words``, spans whose edges cut no word come before nearness.
        """
        candidates = list(spans)
        if len(candidates) > 1 and (prefix or suffix):
            want_prefix = fold(prefix or "", lower=True)[-CONTEXT_LENGTH:]
            want_suffix = fold(suffix or "", lower=True)[:CONTEXT_LENGTH]
            scores = [self._context_score(s, e, want_prefix, want_suffix) for s, e in candidates]
            top = max(scores)
            candidates = [span for span, score in zip(candidates, scores, strict=True) if score >= top - 1e-9]
        if whole_words and len(candidates) > 1:
            clean = [clean_edges(self.text, s, e) for s, e in candidates]
            candidates = [span for span, edges in zip(candidates, clean, strict=True) if edges == max(clean)]
        return min(candidates, key=lambda span: (self._distance_to_hint(span[0], hint), span[0]))

    def _context_score(self, start: int, end: int, prefix: str, suffix: str) -> float:
        """Similarity (0 to 2) of the folded model context to the folded text around a span."""
        view = self._fold(True)
        folded_start, folded_end = view.folded_position(start), view.folded_position(end)
        score = 0.0
        if prefix:
            have = view.folded[max(0, folded_start - len(prefix)) : folded_start]
            score += Levenshtein.normalized_similarity(prefix, have)
        if suffix:
            have = view.folded[folded_end : folded_end + len(suffix)]
            score += Levenshtein.normalized_similarity(suffix, have)
        return score

    def _distance_to_hint(self, position: int, hint: int) -> int:
        """How far ``position`` is from the model's offset, read as code points or as UTF-16 units."""
        if self._astral is None:
            self._astral = [m.start() for m in _ASTRAL.finditer(self.text)]
        utf16 = position + bisect_left(self._astral, position)
        return min(abs(position - hint), abs(utf16 - hint))

    def _fold(self, lower: bool) -> FoldedText:
        if lower not in self._folds:
            self._folds[lower] = (
                self._fold(False).lowered() if lower else FoldedText.of(self.text, lower=False)
            )
        return self._folds[lower]


def _occurrences(haystack: str, needle: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    at = haystack.find(needle)
    while at != -1:
        spans.append((at, at + len(needle)))
        at = haystack.find(needle, at + 1)
    return spans


def validate_and_correct_offsets(
    text: str, start: int, end: int, exact: str, *, prefix: str | None = None, suffix: str | None = None
) -> Anchor:
    """Anchor one quote in ``text``; see :meth:`TextAnchorer.anchor`.

    To anchor many quotes in the same text, use one :class:`TextAnchorer`.
    """
    return TextAnchorer(text).anchor(start, end, exact, prefix=prefix, suffix=suffix)
