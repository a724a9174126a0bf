"""W3C Web Annotations as Semiont stores them: the shape workers create, and what they read back.

Pure builders: the caller supplies the id, the time and the URIs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from semiont_jobs.domain.vocabulary import JsonObject

ANNOTATION_CONTEXT: Final = "http://www.w3.org/ns/anno.jsonld"


@attrs.frozen(kw_only=True)
class TextQuote:
    """A passage of a text: code-point offsets, its exact text and what surrounds it."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


def text_selectors(quote: TextQuote) -> list[JsonObject]:
    """``TextPositionSelector`` and ``TextQuoteSelector`` of ``quote`` (empty prefix/suffix left out)."""
    text_quote: JsonObject = {"type": "TextQuoteSelector", "exact": quote.exact}
    if quote.prefix:
        text_quote["prefix"] = quote.prefix
    if quote.suffix:
        text_quote["suffix"] = quote.suffix
    return [{"type": "TextPositionSelector", "start": quote.start, "end": quote.end}, text_quote]


def text_annotation(
    *,
    annotation_id: str,
    motivation: str,
    creator: JsonObject,
    created: str,
    source: str,
    quote: TextQuote,
    body: JsonObject | list[JsonObject],
) -> JsonObject:
    """An annotation of ``quote`` in the resource ``source``."""
    return {
        "@context": ANNOTATION_CONTEXT,
        "type": "Annotation",
        "id": annotation_id,
        "motivation": motivation,
        "creator": creator,
        "created": created,
        "target": {"type": "SpecificResource", "source": source, "selector": text_selectors(quote)},
        "body": body,
    }


def tagging_bodies(entity_types: Sequence[str]) -> list[JsonObject]:
    """A reference's body: one tagging body per entity type."""
    return [{"type": "TextualBody", "value": value, "purpose": "tagging"} for value in entity_types]


def assessment_body(assessment: str) -> JsonObject:
    return {"type": "TextualBody", "value": assessment, "format": "text/plain"}


def comment_body(comment: str) -> list[JsonObject]:
    return [
        {
            "type": "TextualBody",
            "value": comment,
            "purpose": "commenting",
            "format": "text/plain",
            "language": "en",
        }
    ]


def tag_body(category: str, schema_id: str) -> list[JsonObject]:
    return [
        {
            "type": "TextualBody",
            "value": category,
            "purpose": "tagging",
            "format": "text/plain",
            "language": "en",
        },
        {"type": "TextualBody", "value": schema_id, "purpose": "classifying", "format": "text/plain"},
    ]


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def entity_types_of(annotation: Mapping[str, Any]) -> list[str]:
    """The entity types an annotation is tagged with: values of its ``tagging`` textual bodies."""
    return [
        body["value"]
        for body in _items(annotation.get("body"))
        if isinstance(body, Mapping)
        and body.get("type") == "TextualBody"
        and body.get("purpose") == "tagging"
        and isinstance(body.get("value"), str)
    ]


def exact_text_of(annotation: Mapping[str, Any]) -> str | None:
    """The ``exact`` text of an annotation's ``TextQuoteSelector``, when it has one."""
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
