"""A worker's surroundings for tests: in-memory store, bus, fetcher, scripted model, fixed clock."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from semiont_jobs import (
    InMemoryEventBus,
    InMemoryJobStore,
    Job,
    JobId,
    JobQueue,
    PendingJob,
    ResourceId,
    RetryPolicy,
    ScriptedInferenceClient,
    UserId,
    WorkerSettings,
)
from semiont_jobs.adapters.memory import InMemoryContentFetcher
from semiont_jobs.application.detection import DetectionSettings
from semiont_jobs.application.handlers import (
    AnnotationPublisher,
    BackendSettings,
    SemiontHandler,
    new_annotation_id,
    semiont_worker,
)
from semiont_jobs.application.job_worker import JobWorker
from semiont_jobs.codec import format_time
from semiont_jobs.domain import JobMetadata, JobType
from semiont_jobs.domain.offsets import OffsetUnit
from semiont_jobs.ports import Event
from semiont_jobs.ports.content_fetcher import ContentFetcher
from semiont_jobs.ports.event_bus import EventBus
from semiont_jobs.ports.inference_client import InferenceClient
from semiont_jobs.testing.recorder import Recorder

PUBLIC_URL = "https://kb.example.org"
BACKEND = BackendSettings(PUBLIC_URL)
NOW = datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
NOW_ISO = format_time(NOW)
TEXT = "Ada Lovelace wrote notes. Charles Babbage built the Analytical Engine."
OTHER_TEXT = "Grace Hopper wrote a compiler. Alan Turing described a machine."
CREATOR = {"type": "Person", "id": "did:web:example.org:users:user-1", "name": "Ada"}
FAST = WorkerSettings(poll_interval=0.05, error_backoff=0.01, retry=RetryPolicy(initial_delay=0, jitter=0))
TWO_AT_ONCE = WorkerSettings(
    concurrency=2, poll_interval=0.05, error_backoff=0.01, retry=RetryPolicy(initial_delay=0, jitter=0)
)

W = TypeVar("W")

DetectionHandlerClass = Callable[
    [InferenceClient, ContentFetcher, AnnotationPublisher, DetectionSettings], SemiontHandler
]
JOB_RETRIES_ONLY = DetectionSettings(chunk_retries=0)


def item(text: str, exact: str, **extra: Any) -> dict[str, Any]:
    """A reply item quoting ``exact`` at its true offsets in ``text``, under both offset spellings."""
    start = text.index(exact)
    end = start + len(exact)
    return {"exact": exact, "start": start, "end": end, "startOffset": start, "endOffset": end, **extra}


def reply(*items: dict[str, Any]) -> str:
    return json.dumps(list(items))


def first_words(text: str) -> str:
    return " ".join(text.split()[:2])


def universal_reply(text: str) -> str:
    """A reply every detection kind reads as one match: the first two words of ``text``."""
    return reply(
        item(text, first_words(text), comment="Worth a note.", assessment="Well put.", entityType="Person")
    )


def ids() -> Callable[[], str]:
    """Deterministic 21-character annotation ids: ``id-000000000000000001`` ..."""
    counter = itertools.count(1)
    return lambda: f"id-{next(counter):018d}"


def ann_uri(n: int) -> str:
    return f"{PUBLIC_URL}/annotations/id-{n:018d}"


class Rig:
    """Store, bus, queue and fetcher sharing one fixed clock, and a recorder of every event."""

    def __init__(self, model: ScriptedInferenceClient | None = None) -> None:
        clock = lambda: NOW  # noqa: E731
        self.store = InMemoryJobStore(clock=clock)
        self.bus = InMemoryEventBus(clock=clock)
        self.queue = JobQueue(self.store, self.bus, clock=clock)
        self.fetcher = InMemoryContentFetcher({"res-1": TEXT, "res-2": OTHER_TEXT})
        self.model = model or ScriptedInferenceClient()
        self.recorder = Recorder()

    async def listen(self) -> None:
        """Record every event from now on, global and scoped."""
        await self.bus.subscribe(None, self.recorder, every_scope=True)

    async def submit(self, job_id: str, job_type: JobType, params: Any, *, max_retries: int = 3) -> None:
        metadata = JobMetadata(
            id=JobId(job_id),
            type=job_type,
            user_id=UserId("user-1"),
            user_name="Ada",
            user_email="ada@example.org",
            user_domain="example.org",
            created=NOW,
            max_retries=max_retries,
        )
        await self.queue.create_job(PendingJob(metadata=metadata, params=params))

    async def job(self, job_id: str) -> Job:
        job = await self.store.get(JobId(job_id))
        assert job is not None
        return job

    async def statuses(self) -> dict[str, int]:
        stats = await self.store.stats()
        return {
            status: count
            for status in ("pending", "running", "complete", "failed", "cancelled")
            if (count := getattr(stats, status))
        }

    def events(self, resource: str | None = None) -> list[tuple[str, str | None, dict[str, Any]]]:
        """(channel, scope, payload) of each recorded event, optionally only those about one resource."""
        return [
            (event.channel, event.scope, event.payload)
            for event in self.recorder.events
            if resource is None or _about(event, resource)
        ]

    def annotations(self) -> list[dict[str, Any]]:
        return [event.payload["annotation"] for event in self.recorder.on("mark:create")]


def detection_worker(
    handler: DetectionHandlerClass,
    rig: Rig,
    model: InferenceClient,
    settings: WorkerSettings = FAST,
    *,
    new_id: Callable[[], str] = new_annotation_id,
    bus: EventBus | None = None,
    offset_unit: OffsetUnit = "code-point",
    detection: DetectionSettings = JOB_RETRIES_ONLY,
) -> JobWorker:
    """A worker running one detection handler on ``rig``, its events (and annotations) on ``bus``.

    A failed model call is not retried within the attempt (unless ``detection`` says so), so that
    every failure reaches the job's own retry policy.
    """
    bus = bus or rig.bus
    annotations = AnnotationPublisher(bus, BACKEND, lambda: NOW, new_id, offset_unit=offset_unit)
    worker_handler = handler(model, rig.fetcher, annotations, detection)
    return semiont_worker(rig.queue, worker_handler, bus, BACKEND, settings)


def _about(event: Event, resource: str) -> bool:
    return event.scope == resource or event.payload.get("resourceId") == resource


def slow_responder(
    respond: Callable[[str], str], delay: float = 0.02
) -> tuple[ScriptedInferenceClient, Callable[[], int]]:
    """A model answering with ``respond(prompt)`` after ``delay``; also returns the most calls in flight."""
    in_flight = 0
    most = 0

    async def answer(prompt: str) -> str:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            await asyncio.sleep(delay)
            return respond(prompt)
        finally:
            in_flight -= 1

    return ScriptedInferenceClient(answer), lambda: most


def resource_of(prompt: str) -> str:
    """Which of the two test resources a prompt is about."""
    return TEXT if "Ada Lovelace" in prompt else OTHER_TEXT


def rid(value: str) -> ResourceId:
    return ResourceId(value)


def of_channels(events: Iterable[tuple[str, str | None, dict[str, Any]]]) -> list[str]:
    return [channel for channel, _scope, _payload in events]


class Expect:
    """The events a job of ``job_type`` on ``resource`` should publish, as (channel, scope, payload)."""

    def __init__(self, job_id: str, job_type: JobType, resource: str) -> None:
        self.resource = resource
        self.fields = {"resourceId": resource, "userId": "user-1", "jobId": job_id, "jobType": job_type}

    def start(self) -> tuple[str, None, dict[str, Any]]:
        return ("job:start", None, dict(self.fields))

    def progress(self, percentage: float, progress: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        return ("job:report-progress", None, {**self.fields, "percentage": percentage, "progress": progress})

    def scoped(self, channel: str, **payload: Any) -> tuple[str, str, dict[str, Any]]:
        return (channel, self.resource, payload)

    def create(self, annotation: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        return (
            "mark:create",
            None,
            {"annotation": annotation, "userId": "user-1", "resourceId": self.resource},
        )

    def complete(self, result: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        return ("job:complete", None, {**self.fields, "result": result})

    def fail(self, error: str) -> tuple[str, None, dict[str, Any]]:
        return ("job:fail", None, {**self.fields, "error": error})


def annotation(
    n: int,
    motivation: str,
    text: str,
    exact: str,
    body: Any,
    resource: str = "res-1",
) -> dict[str, Any]:
    """The annotation SPEC.md describes, written out by hand (prefix/suffix: the rest of a short text)."""
    start = text.index(exact)
    end = start + len(exact)
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": exact}
    if text[:start]:
        quote["prefix"] = text[:start]
    if text[end:]:
        quote["suffix"] = text[end:]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "id": ann_uri(n),
        "motivation": motivation,
        "creator": CREATOR,
        "created": NOW_ISO,
        "target": {
            "type": "SpecificResource",
            "source": f"{PUBLIC_URL}/resources/{resource}",
            "selector": [{"type": "TextPositionSelector", "start": start, "end": end}, quote],
        },
        "body": body,
    }
