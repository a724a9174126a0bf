"""Offsets are code points; a model that counts otherwise still lands on the right span."""

from __future__ import annotations

import unicodedata

from semiont_jobs.application.detection import validate_and_correct_offsets


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def utf8_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def test_emoji_count_as_one_code_point() -> None:
    text = "Launch 🚀 day: the rocket flew."
    start = text.index("the rocket")
    anchor = validate_and_correct_offsets(
        text, utf16_offset(text, start), utf16_offset(text, start) + 10, "the rocket"
    )
    assert (anchor.start, anchor.end) == (start, start + 10)
    assert anchor.start == 14


def test_utf16_offsets_choose_the_right_repeated_occurrence_after_emoji() -> None:
    text = "🎉" * 20 + " Paris A. Paris B."
    first, second = text.index("Paris"), text.rindex("Paris")
    # Read as code points, the UTF-16 offset of the first Paris is nearer the second one.
    hint = utf16_offset(text, first)
    assert abs(second - hint) < abs(first - hint)
    anchor = validate_and_correct_offsets(text, hint, hint + 5, "Paris")
    assert anchor.start == first


def test_combining_marks_and_graphemes() -> None:
    text = "Cafe\u0301 society. Cafe\u0301 culture matters."
    second = text.rindex("Cafe\u0301")
    graphemes_before = len(unicodedata.normalize("NFC", text[:second]))
    anchor = validate_and_correct_offsets(
        text, graphemes_before, graphemes_before + 4, "Cafe\u0301", suffix=" culture"
    )
    assert (anchor.start, anchor.end) == (second, second + 5)


def test_a_precomposed_quote_finds_the_decomposed_text() -> None:
    text = "We met at the Cafe\u0301 Central in Vienna."
    anchor = validate_and_correct_offsets(text, 14, 26, "Café Central")
    assert anchor.exact == "Cafe\u0301 Central"
    assert text[anchor.start : anchor.end] == anchor.exact


def test_cjk_with_offsets_in_utf8_bytes() -> None:
    text = "東京は日本の首都です。京都は古都です。東京タワーは有名です。"
    start = text.index("東京タワー")
    byte_start = utf8_offset(text, start)
    anchor = validate_and_correct_offsets(text, byte_start, byte_start + 15, "東京タワー")
    assert (anchor.start, anchor.end) == (start, start + 5)


def test_repeated_cjk_word_is_chosen_by_context() -> None:
    text = "東京は日本の首都です。東京タワーは有名です。"
    anchor = validate_and_correct_offsets(text, 5, 7, "東京", prefix="。", suffix="タワー")
    assert anchor.start == text.rindex("東京")


def test_right_to_left_text() -> None:
    text = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd. \u05e2\u05d5\u05dc\u05dd \u05d9\u05e4\u05d4."
    quote = "\u05e2\u05d5\u05dc\u05dd \u05d9\u05e4\u05d4"
    anchor = validate_and_correct_offsets(text, 0, len(quote), quote)
    assert anchor.exact == quote
    assert anchor.start == text.index(quote)


def test_arabic_with_a_missing_diacritic_is_found_approximately() -> None:
    text = "قال الكاتبُ إنّ المدينة جميلة جداً في الربيع."
    quote = "إن المدينة جميلة جدا في الربيع"
    anchor = validate_and_correct_offsets(text, 0, len(quote), quote)
    assert anchor.method == "fuzzy"
    assert anchor.exact == "إنّ المدينة جميلة جداً في الربيع"


def test_crlf_counted_as_one_character_by_the_model() -> None:
    text = "line one\r\nline two\r\nline three\r\n"
    start = text.index("line three")
    model_start = start - 2
    anchor = validate_and_correct_offsets(text, model_start, model_start + 10, "line three")
    assert (anchor.start, anchor.end) == (start, start + 10)


def test_quote_across_crlf_given_with_lf() -> None:
    text = "line one\r\nline two\r\nline three"
    anchor = validate_and_correct_offsets(text, 5, 17, "one\nline two")
    assert anchor.exact == "one\r\nline two"
    assert anchor.method == "normalized"


def test_characters_whose_lower_case_is_longer_do_not_shift_later_offsets() -> None:
    # "İ".lower() is two code points; folding must not move what follows it.
    text = "İİİ said: Hello   World, hello world."
    anchor = validate_and_correct_offsets(text, 0, 11, "HELLO WORLD", suffix=",")
    assert anchor.method == "case-insensitive"
    assert (anchor.start, anchor.exact) == (text.index("Hello"), "Hello   World")
