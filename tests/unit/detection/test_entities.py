"""Entity types given as names, objects with examples, or mappings."""

from __future__ import annotations

import pytest

from semiont_jobs.application.detection import EntityType, InvalidDetectionOptionError, entity_type_of


def test_a_plain_name() -> None:
    assert entity_type_of(" Person ") == EntityType("Person")


def test_a_mapping_with_examples() -> None:
    entity_type = entity_type_of({"type": "Location", "examples": ["Paris", "Kyoto", "Lagos", "Quito"]})
    assert entity_type == EntityType("Location", ("Paris", "Kyoto", "Lagos", "Quito"))
    assert entity_type.describe() == "Location (e.g. Paris, Kyoto, Lagos)"


def test_an_entity_type_is_kept() -> None:
    entity_type = EntityType("Organization")
    assert entity_type_of(entity_type) is entity_type
    assert entity_type.describe() == "Organization"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        {"examples": ["x"]},
        {"type": 3},
        {"type": "Person", "examples": "Ada"},
        {"type": "Person", "examples": [1]},
        42,
    ],
)
def test_unusable_entity_types_are_rejected_clearly(bad: object) -> None:
    with pytest.raises(InvalidDetectionOptionError, match="entity type") as caught:
        entity_type_of(bad)  # type: ignore[arg-type]
    assert caught.value.retryable is False
