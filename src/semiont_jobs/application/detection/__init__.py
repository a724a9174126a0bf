"""Detection: prompts, tolerant parsing and text anchoring that turn a text and a model into matches."""

from semiont_jobs.application.detection.anchoring import (
    Anchor,
    MatchMethod,
    TextAnchorer,
    extract_context,
    validate_and_correct_offsets,
)
from semiont_jobs.application.detection.entities import EntityType, EntityTypeLike, entity_type_of
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
from semiont_jobs.application.detection.prompts import (
    CONTENT_LIMIT,
    build_assessment_prompt,
    build_comment_prompt,
    build_entity_prompt,
    build_highlight_prompt,
    build_tag_prompt,
)
from semiont_jobs.application.detection.tag_schemas import (
    TAG_SCHEMAS,
    TagCategory,
    TagSchema,
    get_tag_category,
    get_tag_schema,
)

__all__ = [
    "CONTENT_LIMIT",
    "TAG_SCHEMAS",
    "Anchor",
    "AnchoredMatch",
    "AssessmentMatch",
    "CommentMatch",
    "ContentDecodeError",
    "DetectionError",
    "EntityMatch",
    "EntityType",
    "EntityTypeLike",
    "HighlightMatch",
    "InvalidDetectionOptionError",
    "MatchMethod",
    "QuoteNotFoundError",
    "TagCategory",
    "TagMatch",
    "TagSchema",
    "TextAnchorer",
    "TruncatedReplyError",
    "UnknownTagCategoryError",
    "UnknownTagSchemaError",
    "build_assessment_prompt",
    "build_comment_prompt",
    "build_entity_prompt",
    "build_highlight_prompt",
    "build_tag_prompt",
    "entity_type_of",
    "extract_context",
    "extract_json_array",
    "fuzzy_budget",
    "get_tag_category",
    "get_tag_schema",
    "parse_assessments",
    "parse_comments",
    "parse_entities",
    "parse_highlights",
    "parse_tags",
    "validate_and_correct_offsets",
]
