"""A quote with a typo on its first or last character anchors to exactly the passage it names."""

from __future__ import annotations

import pytest

from semiont_jobs.application.detection import validate_and_correct_offsets
from semiont_jobs.application.detection.edges import clean_edges

TEXT = "We met on Tuesday. The budget was approved after a long debate. Its budget grew."


def span_of(passage: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def anchored(quote: str, text: str = TEXT) -> tuple[int, int]:
    anchor = validate_and_correct_offsets(text, 0, len(quote), quote)
    assert anchor.method == "fuzzy"
    assert anchor.exact == text[anchor.start : anchor.end]
    return anchor.start, anchor.end


@pytest.mark.parametrize(
    ("quote", "passage"),
    [
        ("Xhe budget was approved", "The budget was approved"),
        ("Xhe budgt was approved", "The budget was approved"),
        ("after a long debatx", "after a long debate"),
        ("after a lng debatx", "after a long debate"),
        ("xThe budget was approved", "The budget was approved"),
        ("after a long debatex", "after a long debate"),
        ("qfter a long debatx", "after a long debate"),
    ],
    ids=[
        "first substituted",
        "first substituted, one deleted inside",
        "last substituted",
        "last substituted, one deleted inside",
        "first inserted",
        "last inserted",
        "first and last substituted",
    ],
)
def test_a_typo_on_an_edge_character_keeps_the_whole_passage(quote: str, passage: str) -> None:
    assert anchored(quote) == span_of(passage)


@pytest.mark.parametrize(
    ("quote", "passage"),
    [("he budget was aproved", "he budget was approved"), ("after a lng debat", "after a long debat")],
    ids=["first deleted", "last deleted"],
)
def test_a_quote_that_lost_an_edge_character_anchors_to_what_it_still_names(quote: str, passage: str) -> None:
    # Widening to the word would cost an edit, and a span farther from the quote never wins.
    assert anchored(quote) == span_of(passage)


@pytest.mark.parametrize("quote", ["Its budgex", "Xts budgt", "Its bdgex"])
def test_a_ten_character_quote_with_an_edge_typo(quote: str) -> None:
    assert anchored(quote) == span_of("Its budget")


def test_an_emoji_at_the_start_substituted() -> None:
    text = "We cheered. 🚀 launch day was a success, 🎉 for all."
    assert anchored("🌍 lanch day was", text) == span_of("🚀 launch day was", text)


def test_a_joined_emoji_at_the_end_is_not_cut() -> None:
    text = "Our lab has a new scientist 👩\u200d🔬 and a microscope."
    assert anchored("has a new scientst 👩\u200d🧪", text) == span_of("has a new scientist 👩\u200d🔬", text)


@pytest.mark.parametrize("quote", ["京都は古都でx", "京都は古都す。北海道は寒x"])
def test_cjk_last_character_substituted(quote: str) -> None:
    text = "東京は日本の首都です。京都は古都です。北海道は寒い。"
    passage = "京都は古都です" if len(quote) < 10 else "京都は古都です。北海道は寒い"
    assert anchored(quote, text) == span_of(passage, text)


def test_hebrew_first_letter_substituted_next_to_an_emoji() -> None:
    text = "Greeting 🎉 \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd and more."
    quote = "\u05d0\u05dc\u05d5\u05dd \u05e2\u05d5\u05dd"
    assert anchored(quote, text) == span_of("\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", text)


def test_an_rtl_quote_with_an_inserted_first_letter_inside_latin_text() -> None:
    text = "The sign read \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd yesterday."
    quote = "\u05d1\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd"
    assert anchored(quote, text) == span_of("\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", text)


@pytest.mark.parametrize(
    ("quote", "passage"),
    [
        ("قال الكاتبَ إنّ", "قال الكاتبُ إنّ"),
        ("قل الكاتبَ إنّ", "قال الكاتبُ إنّ"),
        ("المدينة جميل. وقال غيرx", "المدينة جميلة. وقال غيره"),
    ],
    ids=["a mark substituted inside", "and a letter deleted next to the first", "last letter substituted"],
)
def test_arabic_passages_keep_their_first_and_last_letters_with_their_marks(quote: str, passage: str) -> None:
    text = "قال الكاتبُ إنّ المدينة جميلة. وقال غيره"
    assert anchored(quote, text) == span_of(passage, text)


class TestCleanEdges:
    def test_word_edges_are_clean(self) -> None:
        text = "the budget was"
        assert clean_edges(text, *span_of("budget", text)) == 2

    def test_an_edge_inside_a_word_or_on_whitespace_is_not(self) -> None:
        text = "the budget was"
        assert clean_edges(text, *span_of("udget", text)) == 1
        assert clean_edges(text, *span_of(" budget w", text)) == 0

    def test_an_edge_before_a_combining_mark_or_after_a_joiner_is_not(self) -> None:
        text = "Cafe\u0301 👩\u200d🔬"
        assert clean_edges(text, 0, 4) == 1
        assert clean_edges(text, 6, 7) == 1
        assert clean_edges(text, 0, len(text)) == 2

    def test_punctuation_and_emoji_edges_are_clean(self) -> None:
        text = "go. 🚀 now"
        assert clean_edges(text, 0, 3) == 2
        assert clean_edges(text, text.index("🚀"), len(text)) == 2
