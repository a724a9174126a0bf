"""Detection: prompts, tolerant parsing and text anchoring that turn a text and a model into matches."""

from semiont_jobs.application.detection.anchoring import (
    Anchor,
    MatchMethod,
    TextAnchorer,
    extract_context,
    validate_and_correct_offsets,
)
from semiont_jobs.application.detection.errors import (
    ContentDecodeError,
    DetectionError,
    InvalidDetectionOptionError,
    QuoteNotFoundError,
    TruncatedReplyError,
    UnknownTagCategoryError,
    UnknownTagSchemaError,
)
from semiont_jobs.application.detection.fuzzy import fuzzy_budget
from semiont_jobs.application.detection.json_array import extract_json_array
from semiont_jobs.application.detection.matches import (
    AnchoredMatch,
    AssessmentMatch,
    CommentMatch,
    EntityMatch,
    HighlightMatch,
    TagMatch,
)
from semiont_jobs.application.detection.parsers import (
    parse_assessments,
    parse_comments,
    parse_entities,
    parse_highlights,
    parse_tags,
)

__all__ = [
    "Anchor",
    "AnchoredMatch",
    "AssessmentMatch",
    "CommentMatch",
    "ContentDecodeError",
    "DetectionError",
    "EntityMatch",
    "HighlightMatch",
    "InvalidDetectionOptionError",
    "MatchMethod",
    "QuoteNotFoundError",
    "TagMatch",
    "TextAnchorer",
    "TruncatedReplyError",
    "UnknownTagCategoryError",
    "UnknownTagSchemaError",
    "extract_context",
    "extract_json_array",
    "fuzzy_budget",
    "parse_assessments",
    "parse_comments",
    "parse_entities",
    "parse_highlights",
    "parse_tags",
    "validate_and_correct_offsets",
]
