"""Prompts: instructions, tone, density, the whole text shown, the JSON keys asked for, no copyable answer."""

from __future__ import annotations

import pytest

from semiont_jobs.application.detection import (
    PLACEHOLDERS,
    EntityType,
    build_assessment_prompt,
    build_comment_prompt,
    build_entity_prompt,
    build_highlight_prompt,
    build_tag_prompt,
    get_tag_category,
)

ANCHOR_KEYS = ('"exact"', '"start"', '"end"', '"prefix"', '"suffix"')
LONG = "a" * 7999 + "Z" + "TAIL-MARKER" * 10


def keys_in(prompt: str) -> bool:
    return all(key in prompt for key in ANCHOR_KEYS)


class TestComments:
    def test_asks_for_the_anchor_keys_and_the_comment(self) -> None:
        prompt = build_comment_prompt("Some text.")
        assert keys_in(prompt)
        assert '"comment"' in prompt
        assert "Some text." in prompt

    def test_instructions_tone_and_density(self) -> None:
        prompt = build_comment_prompt("Text.", "Explain every legal term.", "technical", 4)
        assert "Explain every legal term." in prompt
        assert "technical tone" in prompt
        assert "about 4 comments per 2000 words" in prompt

    def test_default_density_without_instructions(self) -> None:
        prompt = build_comment_prompt("Text.")
        assert "three to eight comments per 2000 words" in prompt

    def test_fractional_density(self) -> None:
        assert "about 2.5 comments" in build_comment_prompt("Text.", density=2.5)

    def test_the_whole_text_given_is_shown(self) -> None:
        prompt = build_comment_prompt(LONG)
        assert LONG in prompt


class TestHighlights:
    def test_keys_instructions_density_and_the_whole_text(self) -> None:
        prompt = build_highlight_prompt(LONG, "Only dates.", 2)
        assert keys_in(prompt)
        assert "Only dates." in prompt
        assert "about 2 highlights" in prompt
        assert LONG in prompt
        assert '"comment"' not in prompt
        assert '"assessment"' not in prompt


class TestAssessments:
    @pytest.mark.parametrize("tone", ["analytical", "critical", "balanced", "constructive"])
    def test_each_tone_is_described(self, tone: str) -> None:
        prompt = build_assessment_prompt("Text.", tone=tone)  # type: ignore[arg-type]
        assert f"{tone} tone" in prompt

    def test_keys_and_the_whole_text(self) -> None:
        prompt = build_assessment_prompt(LONG, "Check the maths.", density=3)
        assert keys_in(prompt)
        assert '"assessment"' in prompt
        assert "Check the maths." in prompt
        assert "about 3 assessments" in prompt
        assert LONG in prompt
        assert "two to six" not in prompt


class TestTags:
    def test_schema_and_category_are_described_and_the_whole_text_is_shown(self) -> None:
        schema, category = get_tag_category("legal-irac", "Issue")
        prompt = build_tag_prompt(LONG, schema, category)
        assert keys_in(prompt)
        assert schema.name in prompt
        assert schema.description in prompt
        assert "Domain: legal" in prompt
        assert category.description in prompt
        assert all(question in prompt for question in category.questions)
        assert '"Issue"' in prompt
        assert LONG in prompt


class TestEntities:
    def test_keys_types_and_examples(self) -> None:
        prompt = build_entity_prompt(LONG, [EntityType("Person", ("Ada Lovelace", "Alan Turing"))])
        for key in ('"exact"', '"entityType"', '"startOffset"', '"endOffset"', '"prefix"', '"suffix"'):
            assert key in prompt
        assert "Person (e.g. Ada Lovelace, Alan Turing)" in prompt
        assert LONG in prompt

    def test_direct_mentions_only_by_default(self) -> None:
        prompt = build_entity_prompt("Text.", [EntityType("Person")])
        assert "direct mentions only" in prompt
        assert "the physicist" not in prompt

    def test_descriptive_references_but_never_bare_pronouns(self) -> None:
        prompt = build_entity_prompt("Text.", [EntityType("Person")], include_descriptive_references=True)
        assert "the physicist" in prompt
        assert "Never include a bare pronoun" in prompt
        assert "direct mentions only" not in prompt


@pytest.mark.parametrize(
    "prompt",
    [
        build_comment_prompt("Text."),
        build_assessment_prompt("Text."),
        build_highlight_prompt("Text."),
        build_entity_prompt("Text.", [EntityType("Person")]),
    ],
)
def test_the_reply_shape_is_shown_with_placeholders_not_an_answer_to_copy(prompt: str) -> None:
    shape = prompt.rsplit("\n", 1)[-1]
    assert shape.startswith("[{") and shape.endswith("}]")
    quoted = [part for part in shape.split('"') if part.startswith("<")]
    assert quoted and all(part in PLACEHOLDERS for part in quoted)
    assert "Treaty of Westphalia" not in prompt and "Lise Meitner" not in prompt
