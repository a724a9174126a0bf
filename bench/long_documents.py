"""Detection on long documents against a model with a small window, through the real workers and adapter.

Texts of 20 KB, 100 KB and 1 MB with planted passages and entity names (emoji, CJK and Hebrew text
placed before the later ones) go through the five detection handlers, the worker runtime and
``OpenAIInferenceClient`` to ``bench/limited_model.py``: a fake OpenAI-compatible server with an
8,192-token window that refuses prompts too long for it, cuts replies at ``max_tokens``, keeps to the
requested schema and answers for what it was shown, after a fixed delay per call.

Per kind and size: recall of planted spans, false annotations, annotations whose offsets disagree with
their quote, calls, prompt and completion tokens as multiples of the text's own tokens, and wall time
with ``max_concurrency`` 1 and 4. Targets: recall >= 0.98 everywhere, every job complete, no offset
disagreement, entity prompt tokens <= 1.5x the text's for three types, and on the 1 MB text wall time
with 4 calls in flight <= 0.35x one at a time.

    .venv/bin/python bench/long_documents.py [--delay 0.1] [--sizes 20000,100000,1000000] [--seed 11]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).parent))

from limited_model import MODEL, model_tokens
from long_document_texts import ENTITY_TYPES, Document, make_document

from semiont_jobs.adapters.memory import InMemoryContentFetcher, InMemoryEventBus, InMemoryJobStore
from semiont_jobs.adapters.openai import OpenAIInferenceClient
from semiont_jobs.application.detection import DetectionSettings
from semiont_jobs.application.handlers import (
    AnnotationPublisher,
    AssessmentAnnotationHandler,
    BackendSettings,
    CommentAnnotationHandler,
    HighlightAnnotationHandler,
    ReferenceAnnotationHandler,
    TagAnnotationHandler,
    semiont_worker,
)
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.domain.agent import JobUser
from semiont_jobs.domain.events import MARK_CREATE
from semiont_jobs.domain.ids import ResourceId, UserId
from semiont_jobs.domain.jobs import CompleteJob
from semiont_jobs.domain.params import (
    AssessmentDetectionParams,
    CommentDetectionParams,
    DetectionParams,
    HighlightDetectionParams,
    TagDetectionParams,
)
from semiont_jobs.ports.clock import utc_now
from semiont_jobs.ports.event_bus import Event

BACKEND = BackendSettings("http://kb.local")
USER = JobUser(user_id=UserId("bench"), user_name="Bench", user_domain="kb.local")
FAST = WorkerSettings(poll_interval=0.05)


KINDS: dict[str, tuple[Callable[..., Any], Callable[[ResourceId], Any]]] = {
    "highlights": (HighlightAnnotationHandler, lambda r: HighlightDetectionParams(resource_id=r)),
    "assessments": (AssessmentAnnotationHandler, lambda r: AssessmentDetectionParams(resource_id=r)),
    "comments": (CommentAnnotationHandler, lambda r: CommentDetectionParams(resource_id=r)),
    "tags": (
        TagAnnotationHandler,
        lambda r: TagDetectionParams(resource_id=r, schema_id="scientific-imrad", categories=("Results",)),
    ),
    "entities": (
        ReferenceAnnotationHandler,
        lambda r: DetectionParams(resource_id=r, entity_types=ENTITY_TYPES),
    ),
}


@attrs.define
class Outcome:
    complete: bool
    recall: float
    false: int
    misplaced: int
    calls: int
    prompt_ratio: float
    completion_ratio: float
    seconds: float


class ModelProcess:
    """``limited_model.py`` serving one document from a process of its own (so it shares no GIL with us)."""

    def __init__(self, doc: Document, delay: float, scratch: Path) -> None:
        spans = {text: "passage" for text, _ in doc.passages} | {name: kind for name, kind, _ in doc.names}
        (scratch / "document.txt").write_text(doc.text, encoding="utf-8")
        (scratch / "spans.json").write_text(json.dumps(spans), encoding="utf-8")
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).parent / "limited_model.py"),
                "--document",
                str(scratch / "document.txt"),
                "--spans",
                str(scratch / "spans.json"),
                "--delay",
                str(delay),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.root = f"http://127.0.0.1:{self.process.stdout.readline().strip()}"
        self.url = self.root + "/v1"

    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.root + path) as reply:
            answer: dict[str, Any] = json.loads(reply.read())
            return answer

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


async def run_job(kind: str, doc: Document, model: ModelProcess, concurrency: int) -> Outcome:
    handler_class, params = KINDS[kind]
    bus = InMemoryEventBus()
    queue = JobQueue(InMemoryJobStore(), bus)
    created: list[dict[str, Any]] = []

    async def keep(event: Event) -> None:
        created.append(event.payload["annotation"])

    await bus.subscribe(MARK_CREATE, keep)
    client = OpenAIInferenceClient(
        model=MODEL, base_url=model.url, api_key="sk-bench", max_concurrency=concurrency
    )
    annotations = AnnotationPublisher(bus, BACKEND, utc_now)
    fetcher = InMemoryContentFetcher({"doc": doc.text})
    handler = handler_class(client, fetcher, annotations, DetectionSettings())
    job = await queue.enqueue(params(ResourceId("doc")), USER)
    model.get("/reset")
    began = time.perf_counter()
    await semiont_worker(queue, handler, bus, BACKEND, FAST).run_until_idle()
    seconds = time.perf_counter() - began
    await client.close()
    final = await queue.get_job(job.id)
    expected = (
        {(text, offset) for text, _kind, offset in doc.names} if kind == "entities" else set(doc.passages)
    )
    found: set[tuple[str, int]] = set()
    misplaced = 0
    for annotation in created:
        position, quote = annotation["target"]["selector"]
        if doc.text[position["start"] : position["end"]] != quote["exact"]:
            misplaced += 1
        found.add((quote["exact"], position["start"]))
    text_tokens = model_tokens(doc.text)
    counts = model.get("/stats")
    return Outcome(
        complete=isinstance(final, CompleteJob),
        recall=len(found & expected) / len(expected) if expected else 1.0,
        false=len(found - expected),
        misplaced=misplaced,
        calls=counts["calls"],
        prompt_ratio=counts["prompt_tokens"] / text_tokens,
        completion_ratio=counts["completion_tokens"] / text_tokens,
        seconds=seconds,
    )


async def main(sizes: list[int], delay: float, seed: int) -> int:
    failures: list[str] = []
    print(
        "| size | kind | complete | recall | false | offsets off | calls | prompt x text | completion x text "
        "| wall s, 1 in flight | wall s, 4 in flight | 4 / 1 |"
    )
    print("|---:|---|:-:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        doc = make_document(size, seed)
        scratch = Path(tempfile.mkdtemp(prefix="long-documents-"))
        model = ModelProcess(doc, delay, scratch)
        try:
            for kind in KINDS:
                one = await run_job(kind, doc, model, 1)
                four = await run_job(kind, doc, model, 4)
                ratio = four.seconds / one.seconds
                print(
                    f"| {size // 1000} KB | {kind} | {'yes' if one.complete and four.complete else 'NO'} "
                    f"| {min(one.recall, four.recall):.3f} | {max(one.false, four.false)} "
                    f"| {max(one.misplaced, four.misplaced)} | {one.calls} | {one.prompt_ratio:.2f} "
                    f"| {one.completion_ratio:.2f} | {one.seconds:.1f} | {four.seconds:.1f} | {ratio:.2f} |",
                    flush=True,
                )
                for outcome in (one, four):
                    if not outcome.complete:
                        failures.append(f"{size} {kind}: job not complete")
                    if outcome.recall < 0.98:
                        failures.append(f"{size} {kind}: recall {outcome.recall:.3f} < 0.98")
                    if outcome.misplaced:
                        failures.append(f"{size} {kind}: {outcome.misplaced} offsets disagree with quotes")
                if kind == "entities" and one.prompt_ratio > 1.5:
                    failures.append(f"{size} entities: prompt tokens {one.prompt_ratio:.2f} x text > 1.5")
                if size >= 1_000_000 and ratio > 0.35:
                    failures.append(
                        f"{size} {kind}: 4-in-flight wall time {ratio:.2f} x one at a time > 0.35"
                    )
        finally:
            model.stop()
    print()
    print("targets: " + ("all met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.1, help="seconds the fake model takes per call")
    parser.add_argument("--sizes", default="20000,100000,1000000")
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    raise SystemExit(asyncio.run(main(sizes, options.delay, options.seed)))
