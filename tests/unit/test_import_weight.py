"""``import semiont_jobs`` loads no database driver, HTTP client, model SDK, metrics or tracing library;
they load on first use."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("psycopg", "httpx", "anthropic", "openai", "prometheus_client", "opentelemetry")


def loaded_after(code: str) -> list[str]:
    """The heavy top-level modules in ``sys.modules`` after a fresh interpreter ran ``code``."""
    probe = (
        f"import json, sys\n{code}\n"
        f"print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}} & set({HEAVY!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_package_and_the_command_loads_none_of_them() -> None:
    assert loaded_after("import semiont_jobs") == []
    assert loaded_after("import semiont_jobs.container, semiont_jobs.cli.app") == []


def test_building_the_default_container_loads_none_of_them() -> None:
    code = (
        "from semiont_jobs import Container\n"
        "container = Container()\n"
        "container.config.workers.public_url.from_value('http://localhost:4000')\n"
        "container.job_queue(); container.workers()\n"
        "container.content_fetcher(); container.inference_client()"
    )
    assert loaded_after(code) == []


def test_each_technology_loads_when_its_adapter_is_first_built() -> None:
    postgres = (
        "from semiont_jobs import Container\n"
        "container = Container()\n"
        "container.config.from_dict({'job_store': {'backend': 'postgres', 'dsn': 'postgresql://h/db'}})\n"
        "container.job_store()"
    )
    assert loaded_after(postgres) == ["psycopg"]
    http = (
        "from semiont_jobs import Container\n"
        "container = Container()\n"
        "container.config.from_dict({'content': {'backend': 'http', 'url': 'http://127.0.0.1:1'}})\n"
        "container.content_fetcher()"
    )
    assert loaded_after(http) == ["httpx"]


def test_metrics_and_tracing_load_when_chosen_and_the_sdk_only_with_an_exporter() -> None:
    metrics = (
        "from semiont_jobs import Container\n"
        "container = Container()\n"
        "container.config.from_dict({'workers': {'public_url': 'http://localhost:4000', 'health_port': 0}})\n"
        "container.workers()"
    )
    assert loaded_after(metrics) == ["prometheus_client"]
    tracing = (
        "from semiont_jobs import Container\n"
        "container = Container()\n"
        "container.config.from_dict({'workers': {'public_url': 'http://localhost:4000'},"
        " 'tracing': {'backend': 'opentelemetry', 'exporter': EXPORTER}})\n"
        "container.workers()\n"
        "assert ('opentelemetry.sdk' in sys.modules) == (EXPORTER is not None)"
    )
    assert loaded_after(tracing.replace("EXPORTER", "None")) == ["opentelemetry"]
    assert loaded_after(tracing.replace("EXPORTER", "'console'")) == ["opentelemetry"]
