"""The public URL setting, annotation ids, and the six workers wired by the container."""

from __future__ import annotations

import re

import pytest

from semiont_jobs import ConfigurationError, Container, InMemoryEventBus, JobQueue, ScriptedInferenceClient
from semiont_jobs.application.handlers import (
    AssessmentAnnotationHandler,
    BackendSettings,
    CommentAnnotationHandler,
    GenerationHandler,
    HighlightAnnotationHandler,
    ReferenceAnnotationHandler,
    SemiontEvents,
    TagAnnotationHandler,
    new_annotation_id,
)


@pytest.mark.parametrize("url", ["", "   ", None, "kb.example.org", "ftp://kb.example.org"])
def test_a_missing_or_unusable_public_url_is_a_configuration_error_naming_the_setting(url: object) -> None:
    with pytest.raises(ConfigurationError) as raised:
        BackendSettings(url)
    assert raised.value.setting == "workers.public_url"
    assert "workers.public_url" in str(raised.value)


def test_uris_are_built_under_the_public_url_without_a_double_slash() -> None:
    backend = BackendSettings("https://kb.example.org/semiont/")
    assert backend.resource_uri("r1") == "https://kb.example.org/semiont/resources/r1"
    assert backend.annotation_uri("a1") == "https://kb.example.org/semiont/annotations/a1"


def test_annotation_ids_are_21_character_nanoids() -> None:
    drawn = {new_annotation_id() for _ in range(200)}
    assert len(drawn) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{21}", value) for value in drawn)


def test_the_container_will_not_build_workers_without_a_public_url() -> None:
    with pytest.raises(ConfigurationError, match=r"workers\.public_url"):
        Container().workers()


def test_the_container_builds_all_six_workers_wired_to_the_same_ports() -> None:
    container = Container()
    container.config.from_dict(
        {
            "job_store": {"backend": "memory"},
            "workers": {"public_url": "https://kb.example.org", "concurrency": 3, "generation_timeout": 12.5},
        }
    )
    workers = container.workers()
    handlers = [handler for worker in workers for handler in worker.handlers.values()]
    assert [type(handler) for handler in handlers] == [
        ReferenceAnnotationHandler,
        HighlightAnnotationHandler,
        AssessmentAnnotationHandler,
        CommentAnnotationHandler,
        TagAnnotationHandler,
        GenerationHandler,
    ]
    queue = container.job_queue()
    assert isinstance(queue, JobQueue)
    for worker in workers:
        assert worker.queue is queue
        assert worker.settings.concurrency == 3
        [events] = [listener for listener in worker.listeners if isinstance(listener, SemiontEvents)]
        assert events.event_bus is container.event_bus()
        assert isinstance(events.event_bus, InMemoryEventBus)
        assert events.backend.public_url == "https://kb.example.org"
    for handler in handlers:
        if isinstance(handler, GenerationHandler):
            bus, backend = handler.event_bus, handler.backend
        else:
            assert isinstance(
                handler,
                ReferenceAnnotationHandler
                | HighlightAnnotationHandler
                | AssessmentAnnotationHandler
                | CommentAnnotationHandler
                | TagAnnotationHandler,
            )
            bus, backend = handler.annotations.event_bus, handler.annotations.backend
        assert bus is container.event_bus()
        assert isinstance(handler.inference, ScriptedInferenceClient)
        assert backend.public_url == "https://kb.example.org"
    generation = handlers[-1]
    assert isinstance(generation, GenerationHandler)
    assert generation.creation_timeout == 12.5
    assert {job_type for worker in workers for job_type in worker.types or ()} == {
        "reference-annotation",
        "highlight-annotation",
        "assessment-annotation",
        "comment-annotation",
        "tag-annotation",
        "generation",
    }


@pytest.mark.parametrize("timeout", [0, -1, "soon"])
def test_an_unusable_generation_timeout_is_a_configuration_error(timeout: object) -> None:
    with pytest.raises(ConfigurationError, match=r"workers\.generation_timeout"):
        GenerationHandler(
            ScriptedInferenceClient(),
            InMemoryEventBus(),
            BackendSettings("https://kb.example.org"),
            creation_timeout=timeout,  # type: ignore[arg-type]
        )
