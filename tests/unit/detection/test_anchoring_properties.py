"""Properties of anchoring over any text, span and offset error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from semiont_jobs.application.detection import (
    QuoteNotFoundError,
    extract_context,
    fuzzy_budget,
    validate_and_correct_offsets,
)
from semiont_jobs.application.detection.edges import clean_edges
from semiont_jobs.application.detection.folding import FoldedText, fold

SETTINGS = settings(deadline=None, max_examples=200)


@st.composite
def text_and_span(draw: st.DrawFn, alphabet: st.SearchStrategy[str] | None = None) -> tuple[str, int, int]:
    characters = st.characters() if alphabet is None else alphabet
    text = draw(st.text(alphabet=characters, min_size=1, max_size=300))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@SETTINGS
@given(text_and_span(), st.integers(-100_000, 100_000), st.integers(-50, 50))
def test_a_quote_from_the_text_is_found_whatever_its_offsets(
    case: tuple[str, int, int], shift: int, stretch: int
) -> None:
    text, start, end = case
    quote = text[start:end]
    anchor = validate_and_correct_offsets(text, start + shift, end + shift + stretch, quote)
    assert text[anchor.start : anchor.end] == quote == anchor.exact
    assert (anchor.prefix, anchor.suffix) == extract_context(text, anchor.start, anchor.end)


@SETTINGS
@given(
    text_and_span(st.sampled_from("abc de\n\tfgh")),
    st.integers(-1000, 1000),
)
def test_a_quote_from_a_prose_like_text_is_found(case: tuple[str, int, int], shift: int) -> None:
    text, start, end = case
    quote = text[start:end]
    anchor = validate_and_correct_offsets(text, start + shift, end + shift, quote)
    assert anchor.exact == quote


def best_substring_distance(text: str, quote: str) -> int:
    return min(
        Levenshtein.distance(quote, text[i:j]) for i in range(len(text) + 1) for j in range(i, len(text) + 1)
    )


@settings(SETTINGS, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    st.text(alphabet="abcdef", min_size=1, max_size=40),
    st.text(alphabet="abcdefgh", min_size=1, max_size=40),
    st.integers(-50, 50),
)
def test_a_quote_far_from_every_substring_is_rejected(text: str, quote: str, start: int) -> None:
    assume(best_substring_distance(text, quote) > max(5, len(quote) // 20))
    with pytest.raises(QuoteNotFoundError):
        validate_and_correct_offsets(text, start, start + len(quote), quote)


@st.composite
def edited_quote(draw: st.DrawFn) -> tuple[str, str]:
    """A text and a quote made by editing one of its spans a little."""
    text = draw(st.text(alphabet="abcdef", min_size=8, max_size=80))
    start = draw(st.integers(0, len(text) - 8))
    end = draw(st.integers(start + 8, len(text)))
    quote = list(text[start:end])
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(quote) - 1))
        match draw(st.sampled_from(["substitute", "insert", "delete"])):
            case "substitute":
                quote[at] = draw(st.sampled_from("abcdefg"))
            case "insert":
                quote.insert(at, draw(st.sampled_from("abcdefg")))
            case _:
                del quote[at]
    return text, "".join(quote)


@SETTINGS
@given(edited_quote(), st.integers(-50, 50))
def test_a_quote_within_budget_of_a_substring_is_found_at_its_best_distance(
    case: tuple[str, str], start: int
) -> None:
    text, quote = case
    best = best_substring_distance(text, quote)
    assume(0 < best <= fuzzy_budget(len(quote)))
    anchor = validate_and_correct_offsets(text, start, start + len(quote), quote)
    assert anchor.method == "fuzzy"
    assert Levenshtein.distance(quote, anchor.exact) == anchor.distance == best


EDGE_ALPHABET = st.sampled_from("abcXY .,🚀👩\u200d東京שלם\u0627\u064f\u0651")
"""Latin in both cases, space, punctuation, emoji (one joined), CJK, Hebrew, Arabic with marks."""


@st.composite
def one_edit(draw: st.DrawFn) -> tuple[str, int, int, str]:
    """A text, a span of it, and the span's text with one edit, often on its first or last character."""
    text = draw(st.text(alphabet=EDGE_ALPHABET, min_size=4, max_size=40))
    start = draw(st.integers(0, len(text) - 4))
    end = draw(st.integers(start + 4, len(text)))
    quote = list(text[start:end])
    kind = draw(st.sampled_from(["substitute", "insert", "delete"]))
    last = len(quote) if kind == "insert" else len(quote) - 1
    at = draw(st.one_of(st.sampled_from([0, last]), st.integers(0, last)))
    match kind:
        case "substitute":
            quote[at] = draw(EDGE_ALPHABET)
        case "insert":
            quote.insert(at, draw(EDGE_ALPHABET))
        case _:
            del quote[at]
    return text, start, end, "".join(quote)


def folded_distance(quote: str, passage: str) -> int:
    """Edits between the quote and a passage as the anchorer counts them: both folded, lower case."""
    return Levenshtein.distance(fold(quote, lower=True), fold(passage, lower=True))


@SETTINGS
@given(one_edit(), st.integers(-20, 20))
def test_a_quote_with_one_edit_anchors_no_farther_than_its_true_span(
    case: tuple[str, int, int, str], shift: int
) -> None:
    text, start, end, quote = case
    folded = fold(quote, lower=True)
    truth = folded_distance(quote, text[start:end])
    assume(folded.strip() and truth <= fuzzy_budget(len(folded)))
    anchor = validate_and_correct_offsets(text, start + shift, end + shift, quote)
    assert folded_distance(quote, anchor.exact) <= truth
    distances = {
        (i, j): folded_distance(quote, text[i:j])
        for i in range(len(text))
        for j in range(i + 1, len(text) + 1)
    }
    as_near = [span for span, distance in distances.items() if distance <= truth]
    if as_near == [(start, end)]:
        assert (anchor.start, anchor.end) == (start, end)
    # Where the spans as near all overlap the true one, the only one that cuts no word wins.
    if (
        min(distances.values()) == truth
        and all(i < end and start < j for i, j in as_near)
        and [span for span in as_near if clean_edges(text, *span) == 2] == [(start, end)]
    ):
        assert (anchor.start, anchor.end) == (start, end)


@SETTINGS
@given(st.text(max_size=200), st.data())
def test_folded_spans_map_back_to_original_spans_that_fold_the_same(text: str, data: st.DataObject) -> None:
    view = FoldedText.of(text, lower=False)
    assume(view.folded)
    i = data.draw(st.integers(0, len(view.folded) - 1))
    j = data.draw(st.integers(i + 1, len(view.folded)))
    start, end = view.original_start(i), view.original_end(j)
    assert fold(text[start:end], lower=False) == view.folded[i:j]
    assert view.folded_position(start) == i


@SETTINGS
@given(st.text(max_size=200))
def test_lower_case_folding_keeps_positions(text: str) -> None:
    assert len(FoldedText.of(text, lower=True).folded) == len(FoldedText.of(text, lower=False).folded)
