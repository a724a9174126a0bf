"""The model calls of one chunk: retried, split when the window refuses them, continued when cut short.

A reply counts as cut short when it stopped at its token limit, or when it holds
as many items as its schema allowed (a model held to the schema stops there).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final, Generic, TypeVar

import attrs

from semiont_jobs.application.detection.budget import Budget, DetectionSettings
from semiont_jobs.application.detection.chunk_task import ChunkTask, DetectionStats
from semiont_jobs.application.detection.chunking import Chunk, estimate_tokens, split_text
from semiont_jobs.application.detection.matches import AnchoredMatch
from semiont_jobs.application.detection.reply_items import reply_items
from semiont_jobs.application.model_call_telemetry import model_call_chunk
from semiont_jobs.ports.errors import ContextLengthExceededError, InferenceError, InferenceTimeoutError
from semiont_jobs.ports.inference_client import InferenceClient, InferenceResponse

log = logging.getLogger("semiont_jobs.detection")

M = TypeVar("M", bound=AnchoredMatch)

MAX_CALLS_PER_CHUNK: Final = 16
"""A chunk that needs more calls than this (endless splits or continuations) keeps what it has."""
MIN_SPLIT_CHARS: Final = 200
"""A piece shorter than this is not split further."""
MAX_RETRY_WAIT: Final = 60.0
"""A retry the provider asks to put off longer than this is left to the job's own retry."""


@attrs.frozen
class Piece:
    """``text``, which starts at ``start`` in the whole text: a chunk or a part of one."""

    start: int
    text: str


def _moved(match: M, by: int) -> M:
    anchor = match.anchor
    return attrs.evolve(match, anchor=attrs.evolve(anchor, start=anchor.start + by, end=anchor.end + by))


class ChunkCaller(Generic[M]):
    """Asks one task's questions of the model, piece by piece, counting what it spends in ``stats``."""

    def __init__(
        self,
        client: InferenceClient,
        task: ChunkTask[M],
        budget: Budget,
        settings: DetectionSettings,
        stats: DetectionStats,
    ) -> None:
        self.client = client
        self.task = task
        self.budget = budget
        self.settings = settings
        self.stats = stats

    async def matches(self, piece: Piece, chunk: Chunk) -> list[M]:
        """The matches in ``piece`` (of ``chunk``), with offsets in the whole text."""
        found: list[M] = []
        todo = [piece]
        calls = 0
        while todo:
            piece = todo.pop(0)
            calls += 1
            if calls > MAX_CALLS_PER_CHUNK:
                log.warning(
                    "%s: chunk %d needed over %d calls; keeping what it gave",
                    self.task.name,
                    chunk.number,
                    MAX_CALLS_PER_CHUNK,
                )
                break
            try:
                with model_call_chunk(chunk.number):
                    response = await self._ask(piece)
            except ContextLengthExceededError:
                halves = _split(piece, self.settings.overlap_tokens)
                if halves is None:
                    raise
                self.stats.split_prompts += 1
                todo[:0] = halves
                continue
            truncated = response.stop_reason == "max_tokens"
            matches = self.task.parse(response.text, piece.text, truncated=truncated)
            found.extend(_moved(match, piece.start) for match in matches)
            if truncated or len(reply_items(response.text, task=self.task.name)) >= self.budget.max_items:
                self.stats.truncated_replies += 1
                todo[:0] = _after_cut(piece, matches, self.settings.overlap_tokens)
        return found

    async def _ask(self, piece: Piece) -> InferenceResponse:
        prompt = self.task.prompt(piece.text)
        reply_format = self.task.reply_format(self.budget.max_items)
        retries = 0
        while True:
            self.stats.calls += 1
            try:
                response = await self.client.generate_text_with_metadata(
                    prompt, self.budget.reply_tokens, self.task.temperature, reply_format=reply_format
                )
            except (InferenceTimeoutError, ContextLengthExceededError):
                raise
            except InferenceError as exc:
                wait = _retry_wait(exc, retries)
                if not exc.retryable or retries >= self.settings.chunk_retries or wait is None:
                    raise
                retries += 1
                log.info("%s: call failed (%s), retrying in %.1f s", self.task.name, exc, wait)
                await asyncio.sleep(wait)
                continue
            self.stats.input_tokens += response.input_tokens or estimate_tokens(prompt)
            self.stats.output_tokens += response.output_tokens or estimate_tokens(response.text)
            return response


def _retry_wait(exc: InferenceError, retries: int) -> float | None:
    """Seconds before the next try: what the provider asked for, else a short backoff."""
    wait = exc.retry_after if exc.retry_after is not None else 0.5 * 2**retries
    return wait if wait <= MAX_RETRY_WAIT else None


def _split(piece: Piece, overlap_tokens: int) -> list[Piece] | None:
    """``piece`` in two (overlapping) halves, or ``None`` when it is too short to split."""
    if len(piece.text) < MIN_SPLIT_CHARS:
        return None
    half = max(1, estimate_tokens(piece.text) // 2 + 1)
    parts = split_text(piece.text, half, min(overlap_tokens, half // 4))
    return [Piece(piece.start + part.start, part.text) for part in parts] if len(parts) > 1 else None


def _after_cut(piece: Piece, matches: list[M], overlap_tokens: int) -> list[Piece]:
    """What is left to ask of ``piece`` after a reply cut short that gave ``matches``."""
    if matches:
        resume = max(match.end for match in matches)
        rest = piece.text[resume:]
        if rest.strip() and resume > 0:
            return [Piece(piece.start + resume, rest)]
        return []
    return _split(piece, overlap_tokens) or []
