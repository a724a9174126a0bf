"""W3C Web Annotations as Semiont stores them: the shape workers create, and what they read back.

Pure values: the caller supplies the id, the time and the URIs. Their JSON (the
W3C names, absent optionals left out) is written at the edge, by the codec.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from semiont_jobs.domain.agent import Agent
from semiont_jobs.domain.field_metadata import WIRE_NAME

ANNOTATION_CONTEXT: Final = "http://www.w3.org/ns/anno.jsonld"


@attrs.frozen(kw_only=True)
class TextQuote:
    """A passage of a text: its offsets, its exact text and what surrounds it."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@attrs.frozen(kw_only=True)
class TextPositionSelector:
    type: str = "TextPositionSelector"
    start: int
    end: int


@attrs.frozen(kw_only=True)
class TextQuoteSelector:
    """The quoted text; an empty prefix or suffix is left out."""

    type: str = "TextQuoteSelector"
    exact: str
    prefix: str | None = None
    suffix: str | None = None


@attrs.frozen(kw_only=True)
class SpecificResource:
    """A resource, or a part of it chosen by ``selector``; ``purpose`` when it is an annotation's body."""

    type: str = "SpecificResource"
    source: str
    selector: tuple[TextPositionSelector, TextQuoteSelector] | None = None
    purpose: str | None = None


@attrs.frozen(kw_only=True)
class TextualBody:
    type: str = "TextualBody"
    value: str
    purpose: str | None = None
    format: str | None = None
    language: str | None = None


AnnotationBody = TextualBody | tuple[TextualBody, ...]
"""One body, or a list of bodies (possibly empty)."""


@attrs.frozen(kw_only=True)
class Annotation:
    """A W3C annotation of a passage of one resource."""

    context: str = attrs.field(default=ANNOTATION_CONTEXT, metadata={WIRE_NAME: "@context"})
    type: str = "Annotation"
    id: str
    motivation: str
    creator: Agent
    created: datetime
    target: SpecificResource
    body: AnnotationBody


def text_target(source: str, quote: TextQuote) -> SpecificResource:
    """The passage ``quote`` of the resource ``source``, by position and by quote."""
    return SpecificResource(
        source=source,
        selector=(
            TextPositionSelector(start=quote.start, end=quote.end),
            TextQuoteSelector(exact=quote.exact, prefix=quote.prefix or None, suffix=quote.suffix or None),
        ),
    )


def tagging_bodies(entity_types: tuple[str, ...]) -> tuple[TextualBody, ...]:
    """A reference's body: one tagging body per entity type."""
    return tuple(TextualBody(value=value, purpose="tagging") for value in entity_types)


def assessment_body(assessment: str) -> TextualBody:
    return TextualBody(value=assessment, format="text/plain")


def comment_body(comment: str) -> tuple[TextualBody, ...]:
    return (TextualBody(value=comment, purpose="commenting", format="text/plain", language="en"),)


def tag_body(category: str, schema_id: str) -> tuple[TextualBody, ...]:
    return (
        TextualBody(value=category, purpose="tagging", format="text/plain", language="en"),
        TextualBody(value=schema_id, purpose="classifying", format="text/plain"),
    )


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def entity_types_of(annotation: Mapping[str, Any]) -> list[str]:
    """The entity types an annotation (as JSON) is tagged with: values of its ``tagging`` textual bodies."""
    return [
        body["value"]
        for body in _items(annotation.get("body"))
        if isinstance(body, Mapping)
        and body.get("type") == "TextualBody"
        and body.get("purpose") == "tagging"
        and isinstance(body.get("value"), str)
    ]


def exact_text_of(annotation: Mapping[str, Any]) -> str | None:
    """The ``exact`` text of an annotation's (JSON) ``TextQuoteSelector``, when it has one."""
    target = annotation.get("target")
    if not isinstance(target, Mapping):
        return None
    for selector in _items(target.get("selector")):
        if isinstance(selector, Mapping) and selector.get("type") == "TextQuoteSelector":
            exact = selector.get("exact")
            if isinstance(exact, str):
                return exact
    return None


def last_path_segment(uri: str) -> str:
    """The id at the end of an annotation or resource URI (the whole string when it has no ``/``)."""
    return uri.rstrip("/").rsplit("/", 1)[-1]
