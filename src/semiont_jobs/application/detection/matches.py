"""What detection finds: passages of the text, anchored, with what the model said of them."""

from __future__ import annotations

import attrs

from semiont_jobs.application.detection.anchoring import Anchor, MatchMethod


@attrs.frozen(kw_only=True)
class AnchoredMatch:
    """A passage the model picked, located in the text by :attr:`anchor`.

    ``start``/``end`` are code-point offsets into the text, ``exact`` is the
    text's own string there, and ``prefix``/``suffix`` come from the text, not
    from the model.
    """

    anchor: Anchor

    @property
    def start(self) -> int:
        return self.anchor.start

    @property
    def end(self) -> int:
        return self.anchor.end

    @property
    def exact(self) -> str:
        return self.anchor.exact

    @property
    def prefix(self) -> str:
        return self.anchor.prefix

    @property
    def suffix(self) -> str:
        return self.anchor.suffix

    @property
    def method(self) -> MatchMethod:
        return self.anchor.method


@attrs.frozen(kw_only=True)
class HighlightMatch(AnchoredMatch):
    """A passage worth highlighting."""


@attrs.frozen(kw_only=True)
class CommentMatch(AnchoredMatch):
    """A passage and the model's comment on it (never empty)."""

    comment: str


@attrs.frozen(kw_only=True)
class AssessmentMatch(AnchoredMatch):
    """A passage and the model's assessment of it (never empty)."""

    assessment: str


@attrs.frozen(kw_only=True)
class TagMatch(AnchoredMatch):
    """A passage that plays the role ``category`` of the tag schema ``schema_id``."""

    schema_id: str
    category: str


@attrs.frozen(kw_only=True)
class EntityMatch(AnchoredMatch):
    """A passage that refers to an entity of type ``entity_type``."""

    entity_type: str
