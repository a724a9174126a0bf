"""What the container decides from configuration before it builds an adapter: which backend
follows which, where resources live, which inference settings the SDK adapters take."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from dependency_injector import providers

from semiont_jobs.settings_schema import SETTINGS, choices

INFERENCE_ADAPTER_SETTINGS: Final = tuple(
    setting.name for setting in SETTINGS if setting.section == "inference" and setting.name != "provider"
)
"""The ``inference.*`` settings the SDK adapters take, as keyword arguments of the same names."""


def choose_event_bus(backend: str | None, job_store_backend: str | None) -> str:
    """The event bus backend: the one configured, else the job store's when a bus has its name."""
    if backend:
        return backend
    return job_store_backend if job_store_backend in choices("event_bus.backend") else "memory"


def either(chosen: str | None, fallback: str | None) -> str | None:
    return chosen or fallback


def choose_content(backend: str | None, job_store_backend: str | None) -> str:
    """The content backend: the one configured, else memory beside the memory store, else a directory."""
    if backend:
        return backend
    return "memory" if job_store_backend == "memory" else "directory"


def resources_dir(content_dir: str | None, data_dir: str | None) -> str:
    return content_dir or str(Path(data_dir or ".") / "resources")


def choose_metrics(health_port: int | None) -> str:
    """Prometheus metrics when ``work`` serves them (``workers.health_port`` set), else none."""
    return "none" if health_port is None else "prometheus"


def inference_settings(section: providers.ConfigurationOption) -> dict[str, providers.Provider[Any]]:
    """The providers of the SDK adapters' keyword settings, read from the ``inference`` section."""
    return {name: section[name] for name in INFERENCE_ADAPTER_SETTINGS}
