"""Splitting texts into chunks that fit a token budget, at good places, overlapping."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semiont_jobs.application.detection import estimate_tokens, split_text

PARAGRAPHS = "\n\n".join(
    f"Paragraph {n} begins here. It has a second sentence! And a third one? Then it ends." for n in range(200)
)


def test_the_estimate_never_counts_fewer_tokens_than_a_tokenizer_would() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a" * 300) == 100
    assert estimate_tokens("数学者" * 100) == 450
    assert estimate_tokens("😀" * 10) == 20
    english = "The quick brown fox jumps over the lazy dog. " * 100
    assert estimate_tokens(english) >= len(english) / 4


def test_a_text_that_fits_is_one_chunk_and_an_empty_one_none() -> None:
    [chunk] = split_text("Short text.", 100, 10)
    assert (chunk.start, chunk.end, chunk.text, chunk.number) == (0, 11, "Short text.", 1)
    assert split_text("", 100, 10) == []
    with pytest.raises(ValueError, match="max_tokens"):
        split_text("x", 0, 0)


def test_chunks_fit_the_budget_cover_the_text_overlap_and_end_at_paragraphs() -> None:
    chunks = split_text(PARAGRAPHS, 500, 60)
    assert len(chunks) > 5
    assert chunks[0].start == 0 and chunks[-1].end == len(PARAGRAPHS)
    for before, after in itertools.pairwise(chunks):
        assert estimate_tokens(before.text) <= 500
        assert after.start < before.end, "neighbours overlap"
        assert after.start > before.start
        assert before.text.endswith("\n\n"), "a cut falls after a paragraph"
        assert PARAGRAPHS[after.start - 1] in " \n", "a chunk starts at a sentence or a word"
    assert all(chunk.text == PARAGRAPHS[chunk.start : chunk.end] for chunk in chunks)


def test_a_text_without_breaks_is_still_cut_within_the_budget() -> None:
    text = "x" * 10_000
    chunks = split_text(text, 300, 30)
    assert all(estimate_tokens(chunk.text) <= 300 for chunk in chunks)
    assert chunks[-1].end == len(text)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=3000), st.integers(20, 400), st.integers(0, 50))
def test_any_text_is_covered_by_chunks_within_budget(text: str, budget: int, overlap: int) -> None:
    chunks = split_text(text, budget, overlap)
    covered = 0
    for chunk in chunks:
        assert chunk.start <= covered, "no gap between chunks"
        assert chunk.text == text[chunk.start : chunk.end]
        assert estimate_tokens(chunk.text) <= budget or len(chunk.text) == 1
        covered = max(covered, chunk.end)
    assert covered == len(text)
