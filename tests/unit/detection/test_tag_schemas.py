"""Tag schemas: lookup, categories and the errors for unknown ones."""

from __future__ import annotations

import pytest

from semiont_jobs.application.detection import (
    TAG_SCHEMAS,
    UnknownTagCategoryError,
    UnknownTagSchemaError,
    get_tag_category,
    get_tag_schema,
)


@pytest.mark.parametrize(
    ("schema_id", "domain", "categories"),
    [
        ("legal-irac", "legal", ("Issue", "Rule", "Application", "Conclusion")),
        ("scientific-imrad", "scientific", ("Introduction", "Methods", "Results", "Discussion")),
        ("argument-toulmin", "general", ("Claim", "Evidence", "Warrant", "Counterargument", "Rebuttal")),
    ],
)
def test_the_three_schemas_and_their_categories(
    schema_id: str, domain: str, categories: tuple[str, ...]
) -> None:
    schema = get_tag_schema(schema_id)
    assert (schema.id, schema.domain, schema.category_names) == (schema_id, domain, categories)
    assert schema.name
    assert schema.description
    for category in schema.categories:
        assert category.description
        assert len(category.questions) >= 2
        assert all(question.endswith("?") for question in category.questions)


def test_the_registry_holds_exactly_the_three_schemas() -> None:
    assert sorted(TAG_SCHEMAS) == ["argument-toulmin", "legal-irac", "scientific-imrad"]


def test_category_lookup() -> None:
    schema, category = get_tag_category("legal-irac", "Rule")
    assert schema.id == "legal-irac"
    assert category.name == "Rule"


def test_an_unknown_schema_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownTagSchemaError) as caught:
        get_tag_schema("legal-crac")
    error = caught.value
    assert error.schema_id == "legal-crac"
    assert set(error.valid) == set(TAG_SCHEMAS)
    assert "legal-crac" in str(error)
    assert "scientific-imrad" in str(error)
    assert error.retryable is False


def test_an_unknown_category_lists_the_schemas_categories() -> None:
    with pytest.raises(UnknownTagCategoryError) as caught:
        get_tag_category("scientific-imrad", "Abstract")
    error = caught.value
    assert (error.schema_id, error.category) == ("scientific-imrad", "Abstract")
    assert error.valid == ("Introduction", "Methods", "Results", "Discussion")
    assert "Introduction, Methods, Results, Discussion" in str(error)
    assert error.retryable is False


def test_category_names_are_case_sensitive() -> None:
    with pytest.raises(UnknownTagCategoryError):
        get_tag_category("argument-toulmin", "claim")
