"""``semiont-jobs demo``: the offline tour of all six workers on the embedded defaults."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import click
from dependency_injector import providers
from rich.console import Console

from semiont_jobs.adapters.memory import ScriptedInferenceClient
from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.cli import demo_script, render
from semiont_jobs.cli.runtime import Runtime, run
from semiont_jobs.cli.watch import watch_jobs
from semiont_jobs.domain import events
from semiont_jobs.domain.agent import JobUser
from semiont_jobs.domain.ids import AnnotationId, ResourceId, UserId
from semiont_jobs.domain.params import (
    AssessmentDetectionParams,
    CommentDetectionParams,
    DetectionParams,
    GenerationContext,
    GenerationParams,
    HighlightDetectionParams,
    JobParams,
    SourceContext,
    TagDetectionParams,
)
from semiont_jobs.ports.event_bus import Event, EventBus

DEMO_URL = "http://localhost:4000"
USER = JobUser(user_id=UserId("demo"), user_name="Demo User", user_domain="localhost")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _source_annotation(public_url: str) -> dict[str, Any]:
    text = demo_script.ADA
    exact = "Analytical Engine"
    start = text.index(exact)
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "id": f"{public_url}/annotations/demo-reference-1",
        "motivation": "linking",
        "target": {
            "type": "SpecificResource",
            "source": f"{public_url}/resources/ada-lovelace",
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                {"type": "TextQuoteSelector", "exact": exact},
            ],
        },
        "body": [{"type": "TextualBody", "value": "Machine", "purpose": "tagging"}],
    }


def demo_jobs(public_url: str) -> list[JobParams]:
    """One job of each of the six types over the sample resources."""
    ada, opinion = ResourceId("ada-lovelace"), ResourceId("stairs-opinion")
    text = demo_script.ADA
    start = text.index("Analytical Engine")
    context = GenerationContext(
        source_context=SourceContext(
            before=text[max(0, start - 60) : start],
            selected="Analytical Engine",
            after=text[start + 17 : start + 80],
        )
    )
    return [
        DetectionParams(resource_id=ada, entity_types=("Person", "Place")),
        HighlightDetectionParams(resource_id=ada),
        AssessmentDetectionParams(resource_id=ada, tone="balanced"),
        CommentDetectionParams(resource_id=ada, tone="explanatory"),
        TagDetectionParams(resource_id=opinion, schema_id="legal-irac", categories=("Issue", "Rule")),
        GenerationParams(
            reference_id=AnnotationId("demo-reference-1"),
            source_resource_id=ada,
            source_resource_name="Ada Lovelace",
            annotation=_source_annotation(public_url),
            context=context,
        ),
    ]


class DemoBackend:
    """Stands in for the Semiont backend: keeps annotations and creates generated resources."""

    def __init__(self, bus: EventBus, resources: Path) -> None:
        self.bus = bus
        self.resources = resources
        self.annotations: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []

    async def attach(self) -> None:
        await self.bus.subscribe(events.MARK_CREATE, self._on_annotation, every_scope=True)
        await self.bus.subscribe(events.MARK_UPDATE_BODY, self._on_link, every_scope=True)
        await self.bus.subscribe(events.YIELD_CREATE, self._on_create, every_scope=True)

    async def _on_annotation(self, event: Event) -> None:
        self.annotations.append(event.payload["annotation"])

    async def _on_link(self, event: Event) -> None:
        self.links.append(event.payload)

    async def _on_create(self, event: Event) -> None:
        name = _SAFE_NAME.sub("-", str(event.payload.get("name") or "generated")).strip("-").lower()
        resource_id = f"generated-{name}"
        (self.resources / f"{resource_id}.md").write_text(str(event.payload.get("content", "")), "utf-8")
        request_id = str(event.payload.get("requestId"))
        await self.bus.publish(
            events.YieldCreatedMessage(resource_id=ResourceId(resource_id), request_id=request_id)
        )


def write_resources(runtime: Runtime) -> Path:
    """Put the sample resources in the configured resource directory and return it."""
    config = runtime.config
    resources = Path(config["content"].get("dir") or Path(config["job_store"]["data_dir"]) / "resources")
    resources.mkdir(parents=True, exist_ok=True)
    for resource_id, text in demo_script.RESOURCES.items():
        (resources / resource_id).write_text(text, encoding="utf-8")
    return resources


async def run_demo(runtime: Runtime, console: Console, resources: Path) -> None:
    config = runtime.config
    container = runtime.container
    public_url = config["workers"].get("public_url") or DEMO_URL
    container.config.from_dict(
        {
            "workers": {"public_url": public_url},
            "inference": {"provider": "scripted"},
            "content": {"backend": "directory", "dir": str(resources)},
        }
    )
    container.scripted_inference_client.override(
        providers.Object(ScriptedInferenceClient(demo_script.reply_to))
    )
    queue: JobQueue = container.job_queue()
    workers = list(container.workers())
    async with container.lifespan():
        backend = DemoBackend(container.event_bus(), resources)
        await backend.attach()
        console.rule("semiont-jobs demo")
        console.print(
            f"data directory: {config['job_store']['data_dir']}  (store: {type(queue.store).__name__})"
        )
        console.print(f"model: {demo_script.CANNED_LABEL}")
        jobs = [await queue.enqueue(params, USER) for params in demo_jobs(public_url)]
        for job in jobs:
            console.print(f"enqueued {job.id}  {job.type}")
        runners = asyncio.gather(*(worker.run_until_idle() for worker in workers))
        await watch_jobs(queue, console, None, 0.1)
        await runners
        await asyncio.sleep(0.2)
        console.rule(f"{len(backend.annotations)} annotations (W3C Web Annotation JSON)")
        click.echo(render.dumps(backend.annotations))
        for link in backend.links:
            console.print(
                f"linked annotation {link['annotationId']} -> {link['operations'][0]['item']['source']}"
            )
        console.rule("jobs")
        final = [await queue.get_job(job.id) for job in jobs]
        console.print(render.jobs_table([job for job in final if job is not None]))
        console.print(render.stats_table(await queue.get_stats()))


@click.command("demo")
@click.pass_obj
def demo_command(runtime: Runtime) -> None:
    """Run one job of each type with canned model replies (offline) and show the results."""
    resources = write_resources(runtime)
    run(run_demo(runtime, render.make_console(), resources))
