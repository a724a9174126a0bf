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

__all__ = [
    "Anchor",
    "ContentDecodeError",
    "DetectionError",
    "InvalidDetectionOptionError",
    "MatchMethod",
    "QuoteNotFoundError",
    "TextAnchorer",
    "TruncatedReplyError",
    "UnknownTagCategoryError",
    "UnknownTagSchemaError",
    "extract_context",
    "fuzzy_budget",
    "validate_and_correct_offsets",
]
