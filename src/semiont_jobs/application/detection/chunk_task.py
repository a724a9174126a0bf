"""What the chunk runner asks of one kind of detection, and what it counts while running it."""

from __future__ import annotations

from typing import Protocol, TypeVar

import attrs

from semiont_jobs.application.detection.matches import AnchoredMatch
from semiont_jobs.ports.inference_client import ReplyFormat

M = TypeVar("M", bound=AnchoredMatch)


class ChunkTask(Protocol[M]):
    """One kind of detection, as the chunk runner asks it of the model."""

    @property
    def name(self) -> str:
        """For logs and errors: ``"highlights"``, ``"tags (legal-irac/Issue)"``."""
        ...

    @property
    def temperature(self) -> float: ...

    @property
    def item_tokens(self) -> int:
        """About how many reply tokens one item takes."""
        ...

    def prompt(self, text: str) -> str:
        """The prompt for ``text`` (with ``""``, the prompt's own size is measured)."""
        ...

    def reply_format(self, max_items: int) -> ReplyFormat:
        """The JSON Schema of a reply of at most ``max_items`` items."""
        ...

    def parse(self, reply: str, text: str, *, truncated: bool) -> list[M]:
        """The matches of a reply, anchored in ``text``; a cut reply gives its complete items."""
        ...


@attrs.define
class DetectionStats:
    """What detection cost: calls, chunks, failed chunks and tokens, summed over a job."""

    calls: int = 0
    chunks: int = 0
    failed_chunks: int = 0
    truncated_replies: int = 0
    split_prompts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def summary(self) -> str:
        return (
            f"{self.calls} model calls over {self.chunks} chunks ({self.failed_chunks} failed, "
            f"{self.truncated_replies} replies cut, {self.split_prompts} prompts split), "
            f"{self.input_tokens} input and {self.output_tokens} output tokens"
        )
