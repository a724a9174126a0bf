"""A generation job's surroundings: its params and a fake backend answering yield:create."""

from __future__ import annotations

import asyncio
from typing import Any

from semiont_jobs import (
    GenerationParams,
    ResourceId,
    ScriptedInferenceClient,
    WorkerSettings,
)
from semiont_jobs.application.handlers import GenerationHandler, semiont_worker
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.domain import GenerationContext, SourceContext
from semiont_jobs.domain.events import JsonMessage
from semiont_jobs.domain.ids import AnnotationId
from semiont_jobs.ports.event_bus import Event
from tests.unit.workers.rig import BACKEND, FAST, Expect, Rig

REFERENCE = "https://kb.example.org/annotations/ref-ann-1"
ANNOTATION = {
    "id": REFERENCE,
    "motivation": "linking",
    "target": {
        "source": "https://kb.example.org/resources/src-1",
        "selector": [
            {"type": "TextPositionSelector", "start": 0, "end": 12},
            {"type": "TextQuoteSelector", "exact": "Ada Lovelace"},
        ],
    },
    "body": [{"type": "TextualBody", "value": "Person", "purpose": "tagging"}],
}
CONTEXT = GenerationContext(
    source_context=SourceContext(before="In 1843 ", selected="Ada Lovelace", after=" published her notes")
)
MARKDOWN = "# Ada Lovelace\n\nAda Lovelace wrote the first published program."


def params(source: str = "src-1", **overrides: Any) -> GenerationParams:
    fields: dict[str, Any] = {
        "reference_id": AnnotationId(REFERENCE),
        "source_resource_id": ResourceId(source),
        "source_resource_name": "Computing pioneers",
        "annotation": ANNOTATION,
        "context": CONTEXT,
    }
    return GenerationParams(**(fields | overrides))


def request_ids() -> Any:
    counter = iter(range(1, 1000))
    return lambda: f"req-{next(counter)}"


class Backend:
    """Answers each yield:create, after ``delay``, with a resource named after the request."""

    def __init__(self, rig: Rig, *, delay: float = 0.0, foreign_first: bool = False) -> None:
        self.rig = rig
        self.delay = delay
        self.foreign_first = foreign_first
        self.requests: list[dict[str, Any]] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def attach(self) -> None:
        await self.rig.bus.subscribe("yield:create", self.on_create)

    async def on_create(self, event: Event) -> None:
        self.requests.append(event.payload)
        if self.foreign_first:
            await self.rig.bus.publish(
                JsonMessage(
                    channel="yield:created",
                    payload={"resourceId": "res-foreign", "requestId": "someone-else"},
                )
            )
            await self.rig.bus.publish(
                JsonMessage(channel="yield:created", payload={"resourceId": "res-no-request-id"})
            )
        task = asyncio.create_task(self.answer(event.payload))
        self.tasks.add(task)

    async def answer(self, request: dict[str, Any]) -> None:
        await asyncio.sleep(self.delay)
        await self.rig.bus.publish(
            JsonMessage(
                channel="yield:created",
                payload={"resourceId": f"new-{request['requestId']}", "requestId": request["requestId"]},
            )
        )


def worker(rig: Rig, model: ScriptedInferenceClient, settings: WorkerSettings = FAST, **kw: Any) -> JobWorker:
    handler = GenerationHandler(model, rig.bus, BACKEND, request_ids=request_ids(), **kw)
    return semiont_worker(rig.queue, handler, rig.bus, BACKEND, settings)


def gen_progress(e: Expect, stage: str, pct: int, message: str) -> list[Any]:
    return [
        e.progress(pct, {"currentStep": stage, "message": message}),
        e.scoped(
            "yield:progress",
            status=stage,
            referenceId=REFERENCE,
            sourceResourceId="src-1",
            percentage=pct,
            message=message,
        ),
    ]
