"""Entity types as a reference job names them: a plain name, or a name with examples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import attrs

from semiont_jobs.application.detection.errors import InvalidDetectionOptionError

MAX_EXAMPLES_IN_PROMPT = 3


@attrs.frozen
class EntityType:
    """An entity type to look for, such as ``Person``, with optional example mentions."""

    name: str
    examples: tuple[str, ...] = ()

    def describe(self) -> str:
        """The type as a prompt names it: ``Person (e.g. Ada Lovelace, Alan Turing)``."""
        if not self.examples:
            return self.name
        return f"{self.name} (e.g. {', '.join(self.examples[:MAX_EXAMPLES_IN_PROMPT])})"


EntityTypeLike: TypeAlias = str | EntityType | Mapping[str, object]
"""A name, an :class:`EntityType`, or a mapping ``{"type": name, "examples": [...]}``."""


def entity_type_of(value: EntityTypeLike) -> EntityType:
    """Return ``value`` as an :class:`EntityType`; raises :class:`InvalidDetectionOptionError`."""
    if isinstance(value, EntityType):
        entity_type = value
    elif isinstance(value, str):
        entity_type = EntityType(value.strip())
    elif isinstance(value, Mapping):
        name = value.get("type", value.get("name"))
        examples = value.get("examples") or ()
        if not isinstance(name, str):
            raise InvalidDetectionOptionError("entity type", value, "needs a string 'type'")
        if not isinstance(examples, list | tuple) or not all(isinstance(e, str) for e in examples):
            raise InvalidDetectionOptionError("entity type", value, "'examples' must be a list of strings")
        entity_type = EntityType(name.strip(), tuple(str(e) for e in examples))
    else:
        raise InvalidDetectionOptionError("entity type", value, "expected a name or a mapping with 'type'")
    if not entity_type.name:
        raise InvalidDetectionOptionError("entity type", value, "the name is empty")
    return entity_type
