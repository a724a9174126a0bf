"""Detection over a whole text of any length: one model call per chunk, the answers put back together.

Every chunk is asked concurrently (the inference client's gate decides how many
calls are in flight). A prompt the model's window refuses is split; a reply cut
at its token limit keeps its complete items and the rest of that chunk is asked
again; a chunk whose calls keep failing for a retryable reason is counted, and
the job goes on with the others unless too many failed. Matches are moved to
offsets in the whole text and a passage found by two overlapping chunks is kept once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final, Generic, TypeVar

import attrs

from semiont_jobs.application.detection.anchoring import extract_context
from semiont_jobs.application.detection.budget import DetectionSettings, plan_budget
from semiont_jobs.application.detection.chunk_calls import ChunkCaller, Piece
from semiont_jobs.application.detection.chunk_task import ChunkTask, DetectionStats
from semiont_jobs.application.detection.chunking import Chunk, estimate_tokens, split_text
from semiont_jobs.application.detection.errors import TooManyFailedChunksError
from semiont_jobs.application.detection.matches import AnchoredMatch
from semiont_jobs.ports.errors import InferenceError
from semiont_jobs.ports.inference_client import InferenceClient

log = logging.getLogger("semiont_jobs.detection")

M = TypeVar("M", bound=AnchoredMatch)
ChunkProgress = Callable[[int, int], Awaitable[None]]
"""Called after each chunk with (chunks done, chunks in all)."""

EDGE: Final = 2
"""A match ending this close to a cut (or starting this close after one) is a fragment of a passage
the neighbouring chunk saw whole."""


def merge_key(match: AnchoredMatch) -> tuple[Any, ...]:
    """The passage and its kind: one comment or assessment per passage, one tag per category."""
    said = attrs.asdict(match, recurse=False)
    for key in ("anchor", "comment", "assessment"):
        said.pop(key, None)
    return (match.start, match.end, type(match).__name__, *sorted(said.items()))


@attrs.frozen
class _ChunkResult(Generic[M]):
    chunk: Chunk
    matches: list[M]
    error: InferenceError | None = None


async def detect_in_chunks(
    text: str,
    client: InferenceClient,
    task: ChunkTask[M],
    settings: DetectionSettings,
    *,
    on_chunk: ChunkProgress | None = None,
    stats: DetectionStats | None = None,
) -> list[M]:
    """Every match ``task`` finds in ``text``, in text order, with offsets in the whole text.

    Raises the first error that retrying cannot help (a bad key, a bad request);
    when a text of one chunk failed, that chunk's error; and
    :class:`TooManyFailedChunksError` when more than
    ``settings.max_failed_chunk_share`` of several chunks failed.
    """
    stats = stats if stats is not None else DetectionStats()
    budget = plan_budget(
        await client.model_limits(), estimate_tokens(task.prompt("")), task.item_tokens, settings
    )
    chunks = split_text(text, budget.chunk_tokens, settings.overlap_tokens)
    stats.chunks += len(chunks)
    caller = ChunkCaller(client, task, budget, settings, stats)
    results = await _run_all(chunks, caller, on_chunk)
    failed = [result for result in results if result.error is not None]
    stats.failed_chunks += len(failed)
    if failed and len(chunks) == 1 and failed[0].error is not None:
        raise failed[0].error
    if failed and len(failed) > settings.max_failed_chunk_share * len(chunks):
        raise TooManyFailedChunksError(
            task.name, len(failed), len(chunks), settings.max_failed_chunk_share, str(failed[-1].error)
        )
    return _combine(text, chunks, results)


async def _run_all(
    chunks: list[Chunk], caller: ChunkCaller[Any], on_chunk: ChunkProgress | None
) -> list[_ChunkResult[Any]]:
    async def run(chunk: Chunk) -> _ChunkResult[Any]:
        try:
            return _ChunkResult(chunk, await caller.matches(Piece(chunk.start, chunk.text), chunk))
        except InferenceError as exc:
            if not exc.retryable:
                raise
            log.warning("%s: chunk %d of %d failed: %s", caller.task.name, chunk.number, len(chunks), exc)
            return _ChunkResult(chunk, [], exc)

    tasks = [asyncio.create_task(run(chunk)) for chunk in chunks]
    results: list[_ChunkResult[Any]] = []
    try:
        for finished in asyncio.as_completed(tasks):
            results.append(await finished)
            if on_chunk is not None:
                await on_chunk(len(results), len(chunks))
    finally:
        for pending in tasks:
            pending.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return sorted(results, key=lambda result: result.chunk.index)


def _combine(text: str, chunks: list[Chunk], results: list[_ChunkResult[M]]) -> list[M]:
    kept: dict[tuple[Any, ...], M] = {}
    for result in results:
        chunk = result.chunk
        for match in result.matches:
            if _is_edge_fragment(match, chunk, chunks):
                continue
            prefix, suffix = extract_context(text, match.start, match.end)
            placed = attrs.evolve(match, anchor=attrs.evolve(match.anchor, prefix=prefix, suffix=suffix))
            kept.setdefault(merge_key(placed), placed)
    return sorted(kept.values(), key=lambda match: (match.start, match.end))


def _is_edge_fragment(match: AnchoredMatch, chunk: Chunk, chunks: list[Chunk]) -> bool:
    """Whether ``match`` touches a cut of ``chunk`` inside a stretch its neighbour was shown whole."""
    index = chunk.index
    end_of_text = chunk.start + len(chunk.text.rstrip())
    if index + 1 < len(chunks) and match.end >= end_of_text - EDGE and match.start >= chunks[index + 1].start:
        return True
    start_of_text = chunk.end - len(chunk.text.lstrip())
    return index > 0 and match.start <= start_of_text + EDGE and match.end <= chunks[index - 1].end
