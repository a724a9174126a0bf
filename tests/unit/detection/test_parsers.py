"""Parsing replies into anchored, typed matches."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from semiont_jobs.application.detection import (
    AssessmentMatch,
    CommentMatch,
    EntityMatch,
    HighlightMatch,
    TagMatch,
    extract_context,
    parse_assessments,
    parse_comments,
    parse_entities,
    parse_highlights,
    parse_tags,
)

TEXT = (
    "Marie Curie won the Nobel Prize in Physics in 1903. The physicist later won a second Nobel Prize, "
    "in Chemistry, in 1911. Curie remains the only person to win Nobel prizes in two sciences."
)


def item(exact: str, shift: int = 0, **extra: Any) -> dict[str, Any]:
    start = TEXT.index(exact) + shift
    return {"exact": exact, "start": start, "end": start + len(exact), **extra}


def reply(*items: object) -> str:
    return json.dumps(list(items))


class TestComments:
    def test_a_valid_comment_keeps_the_texts_offsets_and_context(self) -> None:
        commented = item("Nobel Prize in Physics", comment=" Shared with the Curies. ")
        [match] = parse_comments(reply(commented), TEXT)
        start = TEXT.index("Nobel Prize in Physics")
        assert isinstance(match, CommentMatch)
        assert (match.start, match.end, match.exact) == (start, start + 22, "Nobel Prize in Physics")
        assert (match.prefix, match.suffix) == extract_context(TEXT, match.start, match.end)
        assert match.comment == "Shared with the Curies."

    def test_the_models_prefix_and_suffix_are_replaced_by_the_texts(self) -> None:
        [match] = parse_comments(reply(item("1903", prefix="WRONG", suffix="ALSO WRONG", comment="c")), TEXT)
        assert match.prefix.endswith("in ")
        assert match.suffix.startswith(". The physicist")

    @pytest.mark.parametrize("comment", [None, "", "   ", 42, ["x"]])
    def test_missing_empty_or_non_string_comments_are_dropped(self, comment: object) -> None:
        bad = item("1903", comment=comment)
        if comment is None:
            del bad["comment"]
        good = item("1911", comment="second prize")
        assert [m.exact for m in parse_comments(reply(bad, good), TEXT)] == ["1911"]

    def test_shifted_offsets_are_corrected(self) -> None:
        [match] = parse_comments(reply(item("The physicist", shift=17, comment="Curie")), TEXT)
        assert TEXT[match.start : match.end] == "The physicist"
        assert match.method == "exact"

    def test_a_fenced_reply_with_prose_is_parsed(self) -> None:
        text = f"Here you go:\n```json\n{reply(item('1911', comment='c'))}\n```\nAnything else?"
        assert [m.exact for m in parse_comments(text, TEXT)] == ["1911"]


class TestHighlights:
    def test_hallucinated_quote_is_dropped_and_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        invented = {"exact": "Pierre Curie discovered radium alone", "start": 0, "end": 36}
        with caplog.at_level(logging.WARNING):
            matches = parse_highlights(reply(invented, item("1911")), TEXT)
        assert [m.exact for m in matches] == ["1911"]
        assert all(isinstance(m, HighlightMatch) for m in matches)
        assert any("Pierre Curie" in record.getMessage() for record in caplog.records)

    @pytest.mark.parametrize(
        "bad",
        [
            {"exact": "1903", "start": "10", "end": 14},
            {"exact": "1903", "start": 10},
            {"exact": "1903", "start": True, "end": 14},
            {"exact": "1903", "start": 1.5, "end": 14},
            {"exact": 1903, "start": 10, "end": 14},
            {"exact": "", "start": 10, "end": 10},
            {"exact": "   ", "start": 10, "end": 13},
            {"exact": "1903", "start": 10, "end": 14, "prefix": 7},
            "1903",
            None,
        ],
    )
    def test_items_with_missing_or_wrongly_typed_fields_are_dropped(self, bad: object) -> None:
        assert [m.exact for m in parse_highlights(reply(bad, item("1911")), TEXT)] == ["1911"]

    def test_integral_float_offsets_are_accepted(self) -> None:
        start = TEXT.index("1903")
        [match] = parse_highlights(reply({"exact": "1903", "start": float(start), "end": start + 4.0}), TEXT)
        assert (match.start, match.method) == (start, "offsets")

    def test_case_and_whitespace_drift(self) -> None:
        drifted = {"exact": "the  NOBEL prize\nin physics", "start": 0, "end": 10}
        [match] = parse_highlights(reply(drifted), TEXT)
        assert match.exact == "the Nobel Prize in Physics"

    def test_a_typo_in_the_quote_is_tolerated(self) -> None:
        typo = {"exact": "the only persn to win Nobel prizes in two sciences", "start": 140, "end": 190}
        [match] = parse_highlights(reply(typo), TEXT)
        assert match.exact == "the only person to win Nobel prizes in two sciences"
        assert match.method == "fuzzy"

    def test_repeated_quote_is_chosen_by_prefix_and_suffix(self) -> None:
        second = TEXT.index("Nobel Prize,")
        repeated = {"exact": "Nobel Prize", "start": 0, "end": 11, "prefix": "a second ", "suffix": ", in"}
        [match] = parse_highlights(reply(repeated), TEXT)
        assert match.start == second

    def test_duplicates_are_reported_once(self) -> None:
        assert len(parse_highlights(reply(item("1903"), item("1903", shift=3)), TEXT)) == 1

    @pytest.mark.parametrize("bad_reply", ["", "no passages", '{"highlights": []}', "[1, 2"])
    def test_unusable_replies_give_no_matches(self, bad_reply: str) -> None:
        assert parse_highlights(bad_reply, TEXT) == []


class TestAssessments:
    def test_valid_and_empty_assessments(self) -> None:
        matches = parse_assessments(
            reply(item("1903", assessment="Correct."), item("1911", assessment=" ")), TEXT
        )
        assert matches == [AssessmentMatch(anchor=matches[0].anchor, assessment="Correct.")]
        assert matches[0].exact == "1903"


class TestTags:
    def test_tags_carry_schema_and_category(self) -> None:
        [match] = parse_tags(reply(item("Curie remains the only person")), TEXT, "argument-toulmin", "Claim")
        assert isinstance(match, TagMatch)
        assert (match.schema_id, match.category, match.exact) == (
            "argument-toulmin",
            "Claim",
            "Curie remains the only person",
        )


class TestEntities:
    def entity(self, exact: str, entity_type: object = "Person", **extra: Any) -> dict[str, Any]:
        start = TEXT.index(exact)
        return {
            "exact": exact,
            "entityType": entity_type,
            "startOffset": start,
            "endOffset": start + len(exact),
            **extra,
        }

    def test_entities_use_their_own_offset_keys(self) -> None:
        [match] = parse_entities(reply(self.entity("Marie Curie")), TEXT, "Person")
        assert isinstance(match, EntityMatch)
        assert (match.start, match.end, match.entity_type) == (0, 11, "Person")

    def test_start_and_end_keys_are_not_entity_offsets(self) -> None:
        assert parse_entities(reply(item("Marie Curie")), TEXT, "Person") == []

    def test_a_label_of_another_type_is_dropped_and_a_missing_one_is_the_requested_type(self) -> None:
        items = [
            self.entity("Marie Curie", "Location"),
            self.entity("The physicist", None),
            self.entity("Curie remains", "person", prefix="1911. "),
        ]
        matches = parse_entities(reply(*items), TEXT, "Person")
        assert [(m.exact, m.entity_type) for m in matches] == [
            ("The physicist", "Person"),
            ("Curie remains", "Person"),
        ]

    def test_repeated_name_with_prefix_lands_on_the_right_occurrence(self) -> None:
        second = TEXT.index("Curie remains")
        mention = {
            "exact": "Curie",
            "entityType": "Person",
            "startOffset": 6,
            "endOffset": 99,
            "prefix": "in 1911. ",
            "suffix": " remains",
        }
        [match] = parse_entities(reply(mention), TEXT, "Person")
        assert match.start == second
