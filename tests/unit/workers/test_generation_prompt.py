"""The generation prompt's pieces: title and entity-type fallbacks, language names, code fences."""

from __future__ import annotations

from typing import Any

import pytest

from semiont_jobs import GenerationParams, ResourceId
from semiont_jobs.application.handlers import language_name, strip_code_fences
from semiont_jobs.application.handlers.generation import generation_entity_types, resource_title
from semiont_jobs.application.handlers.generation_prompt import is_english, language_instruction
from semiont_jobs.domain.ids import AnnotationId


def params(annotation: dict[str, Any], **fields: Any) -> GenerationParams:
    return GenerationParams(
        reference_id=AnnotationId("ann-1"),
        source_resource_id=ResourceId("src-1"),
        source_resource_name="Source",
        annotation=annotation,
        **fields,
    )


QUOTED = {
    "target": {"selector": [{"type": "TextPositionSelector"}, {"type": "TextQuoteSelector", "exact": "Ada"}]},
    "body": [
        {"type": "TextualBody", "value": "Person", "purpose": "tagging"},
        {"type": "TextualBody", "value": "a note", "purpose": "commenting"},
        {"type": "SpecificResource", "source": "x", "purpose": "linking"},
    ],
}


def test_title_falls_back_from_the_job_to_the_quoted_text_to_new_resource() -> None:
    assert resource_title(params(QUOTED, title="Countess")) == "Countess"
    assert resource_title(params(QUOTED, title="")) == "Ada"
    single_selector = {"target": {"selector": {"type": "TextQuoteSelector", "exact": "Babbage"}}}
    assert resource_title(params(single_selector)) == "Babbage"
    assert resource_title(params({"target": "https://kb/resources/x"})) == "New Resource"
    assert resource_title(params({})) == "New Resource"


def test_entity_types_come_from_the_job_else_from_the_annotations_tagging_bodies() -> None:
    assert generation_entity_types(params(QUOTED, entity_types=("Place",))) == ["Place"]
    assert generation_entity_types(params(QUOTED, entity_types=())) == []
    assert generation_entity_types(params(QUOTED)) == ["Person"]
    assert generation_entity_types(
        params({"body": {"type": "TextualBody", "value": "Org", "purpose": "tagging"}})
    ) == ["Org"]


@pytest.mark.parametrize(
    ("locale", "name"),
    [
        ("fr", "French"),
        ("fr-CA", "French (Canada)"),
        ("zh-Hant", "Chinese (Traditional)"),
        ("xx", "xx"),
        ("!!", "!!"),
    ],
)
def test_language_names_are_english_names_or_the_tag_itself(locale: str, name: str) -> None:
    assert language_name(locale) == name


@pytest.mark.parametrize(
    ("locale", "english"), [(None, True), ("", True), ("en", True), ("en-GB", True), ("es", False)]
)
def test_english_locales_get_no_language_instruction(locale: str | None, english: bool) -> None:
    assert is_english(locale) is english
    assert (language_instruction(locale) == "") is english


@pytest.mark.parametrize(
    ("reply", "content"),
    [
        ("# Title\n\nBody", "# Title\n\nBody"),
        ("```markdown\n# Title\n\nBody\n```", "# Title\n\nBody"),
        ("```md\n# Title\n```\n", "# Title"),
        ("  ```\n# Title\n```  ", "# Title"),
        ("```markdown\n# Title cut off", "# Title cut off"),
        ("# Title\n\n```python\nprint(1)\n```", "# Title\n\n```python\nprint(1)\n```"),
    ],
)
def test_a_fence_around_the_whole_reply_is_stripped(reply: str, content: str) -> None:
    assert strip_code_fences(reply) == content
