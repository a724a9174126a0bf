"""Errors of the detection pipeline.

A worker treats an exception whose ``retryable`` attribute is ``False`` as
permanent and anything else as worth another attempt; each error here says
which it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from semiont_jobs.domain.errors import SemiontJobsError
from semiont_jobs.ports.errors import ContentError


def _preview(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DetectionError(SemiontJobsError):
    """Detection could not produce its matches."""


class QuoteNotFoundError(DetectionError, LookupError):
    """A quoted passage is nowhere in the text, not even approximately (likely invented)."""

    retryable = False

    def __init__(self, quote: str, start: int, end: int, reason: str) -> None:
        self.quote = quote
        self.start = start
        self.end = end
        self.reason = reason
        super().__init__(f"quote {_preview(quote)!r} (claimed at {start}-{end}) not found: {reason}")


class UnknownTagSchemaError(DetectionError, LookupError):
    """No tag schema has this id; ``valid`` lists the ids that exist."""

    retryable = False

    def __init__(self, schema_id: str, valid: Iterable[str]) -> None:
        self.schema_id = schema_id
        self.valid = tuple(valid)
        super().__init__(f"unknown tag schema {schema_id!r}; valid schemas: {', '.join(self.valid)}")


class UnknownTagCategoryError(DetectionError, LookupError):
    """The schema has no such category; ``valid`` lists its categories."""

    retryable = False

    def __init__(self, schema_id: str, category: str, valid: Iterable[str]) -> None:
        self.schema_id = schema_id
        self.category = category
        self.valid = tuple(valid)
        super().__init__(
            f"tag schema {schema_id!r} has no category {category!r}; "
            f"valid categories: {', '.join(self.valid)}"
        )


class InvalidDetectionOptionError(DetectionError, ValueError):
    """A detection option (tone, density, entity type ...) has a value it cannot take."""

    retryable = False

    def __init__(self, option: str, value: object, reason: str) -> None:
        self.option = option
        self.value = value
        self.reason = reason
        super().__init__(f"invalid {option} {value!r}: {reason}")


class ContentDecodeError(DetectionError, ContentError):
    """A resource's bytes are not valid UTF-8; ``position`` is the first bad byte."""

    retryable = False

    def __init__(self, resource_id: str, position: int, reason: str) -> None:
        self.resource_id = resource_id
        self.position = position
        self.reason = reason
        super().__init__(
            f"content of resource {resource_id!r} is not valid UTF-8 at byte {position}: {reason}"
        )


class ModelWindowTooSmallError(DetectionError):
    """The model's window leaves too little room for text once the prompt and a reply are counted.

    Not retryable: a model with a larger window (or ``inference.context_window``) is needed.
    """

    retryable = False

    def __init__(self, context_window: int, max_output_tokens: int, scaffold_tokens: int) -> None:
        self.context_window = context_window
        self.max_output_tokens = max_output_tokens
        self.scaffold_tokens = scaffold_tokens
        super().__init__(
            f"a context window of {context_window} tokens (replies up to {max_output_tokens}) is too "
            f"small for a detection prompt of {scaffold_tokens} tokens plus text and reply"
        )


class TooManyFailedChunksError(DetectionError):
    """More chunks of the text failed than ``detection.max_failed_chunk_share`` allows. Retryable."""

    retryable = True

    def __init__(self, task: str, failed: int, total: int, allowed: float, last_error: str) -> None:
        self.task = task
        self.failed = failed
        self.total = total
        self.allowed = allowed
        super().__init__(
            f"{task}: {failed} of {total} chunks failed (more than {allowed:.0%} may); "
            f"last error: {last_error}"
        )
