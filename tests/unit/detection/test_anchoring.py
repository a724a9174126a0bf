"""Anchoring a model's quote in the text: strategy order, disambiguation, context."""

from __future__ import annotations

import pytest

from semiont_jobs.application.detection import (
    QuoteNotFoundError,
    TextAnchorer,
    extract_context,
    validate_and_correct_offsets,
)

TEXT = (
    "The committee met on Tuesday. The budget was approved after a long debate.\n"
    "Later, the committee met again.  The budget   was\nrevised in “March” and the report was filed."
)


def test_correct_offsets_are_kept() -> None:
    start = TEXT.index("budget")
    anchor = validate_and_correct_offsets(TEXT, start, start + 6, "budget")
    assert (anchor.start, anchor.end, anchor.exact, anchor.method) == (start, start + 6, "budget", "offsets")
    assert not anchor.corrected


def test_shifted_offsets_are_corrected_by_exact_search() -> None:
    start = TEXT.index("a long debate")
    anchor = validate_and_correct_offsets(TEXT, start + 7, start + 20, "a long debate")
    assert (anchor.start, anchor.end, anchor.method) == (start, start + 13, "exact")
    assert anchor.corrected


@pytest.mark.parametrize("start", [-50, 10_000])
def test_offsets_outside_the_text_are_only_a_hint(start: int) -> None:
    anchor = validate_and_correct_offsets(TEXT, start, start + 5, "report")
    assert TEXT[anchor.start : anchor.end] == "report"


def test_whitespace_and_typographic_quote_drift_is_normalised() -> None:
    quote = 'The budget was revised in "March"'
    anchor = validate_and_correct_offsets(TEXT, 0, len(quote), quote)
    assert anchor.method == "normalized"
    assert anchor.exact == "The budget   was\nrevised in “March”"
    assert TEXT[anchor.start : anchor.end] == anchor.exact


def test_case_drift_is_found_case_insensitively() -> None:
    anchor = validate_and_correct_offsets(TEXT, 0, 10, "LATER, THE COMMITTEE")
    assert anchor.method == "case-insensitive"
    assert anchor.exact == "Later, the committee"


def test_case_and_whitespace_drift_together() -> None:
    anchor = validate_and_correct_offsets(TEXT, 0, 10, "the BUDGET was revised")
    assert anchor.exact == "The budget   was\nrevised"


def test_typos_are_found_approximately_with_the_texts_own_string() -> None:
    quote = "the budget was aproved after a lnog debate"
    anchor = validate_and_correct_offsets(TEXT, 30, 30 + len(quote), quote)
    assert anchor.method == "fuzzy"
    assert anchor.exact == "The budget was approved after a long debate"
    assert anchor.distance == 3


def test_a_hallucinated_quote_is_rejected() -> None:
    with pytest.raises(QuoteNotFoundError) as caught:
        validate_and_correct_offsets(TEXT, 0, 40, "The shareholders rejected the merger outright")
    assert caught.value.quote == "The shareholders rejected the merger outright"
    assert "not found" in str(caught.value)


def test_an_empty_quote_is_rejected() -> None:
    with pytest.raises(QuoteNotFoundError, match="empty"):
        validate_and_correct_offsets(TEXT, 0, 0, "")


def test_a_short_quote_with_too_many_edits_is_rejected() -> None:
    # Five edits would turn any six-letter word into any other; short quotes get a smaller budget.
    with pytest.raises(QuoteNotFoundError):
        validate_and_correct_offsets("alpha beta gamma", 0, 6, "xyzzyq")


def test_repeated_quote_is_chosen_by_the_models_prefix_and_suffix() -> None:
    second = TEXT.index("the committee met again")
    anchor = validate_and_correct_offsets(
        TEXT, 0, 13, "committee met", prefix="Later, the ", suffix=" again."
    )
    assert anchor.start == second + 4


def test_repeated_quote_is_chosen_by_suffix_alone() -> None:
    text = "red apple, green apple, red pear"
    anchor = validate_and_correct_offsets(text, 11, 14, "red", suffix=" pear")
    assert anchor.start == text.rindex("red")


def test_repeated_quote_without_context_goes_to_the_occurrence_nearest_the_offset() -> None:
    text = "alpha beta. " * 10
    near = text.index("beta", 60)
    anchor = validate_and_correct_offsets(text, near + 3, near + 7, "BETA")
    assert anchor.start == near


def test_context_outranks_nearness() -> None:
    text = "the cat sat. the dog sat. the cow sat."
    anchor = validate_and_correct_offsets(text, 32, 35, "sat", prefix="the cat ")
    assert anchor.start == text.index("sat")


def test_one_anchorer_anchors_many_quotes_of_one_text() -> None:
    anchorer = TextAnchorer(TEXT)
    quotes = ["Tuesday", "long debate", "the report was filed"]
    found = [anchorer.anchor(0, 1, quote).exact for quote in quotes]
    assert found == quotes


class TestExtractContext:
    def test_context_is_empty_at_the_edges_of_the_text(self) -> None:
        assert extract_context("hello world", 0, 11) == ("", "")

    def test_short_text_gives_all_of_it(self) -> None:
        assert extract_context("The United States Congress", 4, 17) == ("The ", " Congress")

    def test_context_is_extended_to_a_word_boundary(self) -> None:
        text = "x" * 10 + " " + "abcdefghij" * 7 + "TARGET" + "klmnopqrst" * 7 + " tail"
        start = text.index("TARGET")
        prefix, suffix = extract_context(text, start, start + 6)
        assert prefix == "abcdefghij" * 7
        assert suffix == "klmnopqrst" * 7

    def test_extension_stops_after_32_characters(self) -> None:
        text = "z" * 200 + "TARGET" + "z" * 200
        prefix, suffix = extract_context(text, 200, 206)
        assert len(prefix) == 64 + 32
        assert len(suffix) == 64 + 32

    def test_context_stops_at_punctuation(self) -> None:
        text = "a" * 100 + "," + "b" * 70 + "TARGET"
        prefix, _ = extract_context(text, text.index("TARGET"), len(text))
        assert prefix == "b" * 70

    def test_anchor_context_is_recomputed_from_the_text(self) -> None:
        start = TEXT.index("Tuesday")
        anchor = validate_and_correct_offsets(
            TEXT, start, start + 7, "Tuesday", prefix="WRONG PREFIX", suffix="WRONG SUFFIX"
        )
        assert (anchor.prefix, anchor.suffix) == extract_context(TEXT, start, start + 7)
        assert anchor.prefix == "The committee met on "
