"""Detection: prompts, tolerant parsing and text anchoring that turn a text and a model into matches."""

from semiont_jobs.application.detection.anchoring import (
    Anchor,
    MatchMethod,
    TextAnchorer,
    extract_context,
    validate_and_correct_offsets,
)
from semiont_jobs.application.detection.budget import Budget, DetectionSettings, plan_budget
from semiont_jobs.application.detection.chunk_task import ChunkTask, DetectionStats
from semiont_jobs.application.detection.chunked import detect_in_chunks
from semiont_jobs.application.detection.chunking import Chunk, estimate_tokens, split_text
from semiont_jobs.application.detection.detection import (
    ASSESSMENT_TEMPERATURE,
    COMMENT_TEMPERATURE,
    ENTITY_TEMPERATURE,
    HIGHLIGHT_TEMPERATURE,
    TAG_TEMPERATURE,
    detect_assessments,
    detect_comments,
    detect_entities,
    detect_highlights,
    detect_tags,
    fetch_content,
)
from semiont_jobs.application.detection.entities import EntityType, EntityTypeLike, entity_type_of
from semiont_jobs.application.detection.errors import (
    ContentDecodeError,
    DetectionError,
    InvalidDetectionOptionError,
    ModelWindowTooSmallError,
    QuoteNotFoundError,
    TooManyFailedChunksError,
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
    PLACEHOLDERS,
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
    "ASSESSMENT_TEMPERATURE",
    "COMMENT_TEMPERATURE",
    "PLACEHOLDERS",
    "ENTITY_TEMPERATURE",
    "HIGHLIGHT_TEMPERATURE",
    "TAG_TEMPERATURE",
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
    "ModelWindowTooSmallError",
    "TooManyFailedChunksError",
    "MatchMethod",
    "QuoteNotFoundError",
    "Budget",
    "Chunk",
    "ChunkTask",
    "DetectionSettings",
    "DetectionStats",
    "TagCategory",
    "TagMatch",
    "TagSchema",
    "TextAnchorer",
    "UnknownTagCategoryError",
    "UnknownTagSchemaError",
    "build_assessment_prompt",
    "build_comment_prompt",
    "build_entity_prompt",
    "build_highlight_prompt",
    "build_tag_prompt",
    "detect_assessments",
    "detect_in_chunks",
    "estimate_tokens",
    "plan_budget",
    "split_text",
    "detect_comments",
    "detect_entities",
    "detect_highlights",
    "detect_tags",
    "entity_type_of",
    "extract_context",
    "extract_json_array",
    "fetch_content",
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
