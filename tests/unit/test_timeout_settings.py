"""``workers.job_timeout`` and ``workers.stall_timeout``: a number for every type, or a table per type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from semiont_jobs import ConfigurationError
from semiont_jobs.application.worker_settings import WorkerSettings
from semiont_jobs.cli import settings
from semiont_jobs.cli.runtime import Runtime
from semiont_jobs.domain.vocabulary import JOB_TYPES
from semiont_jobs.settings_schema import check_config


def worker_settings(env: dict[str, str], config_file: Path | None = None) -> WorkerSettings:
    config = settings.resolve({"job_store.backend": "memory"}, env=env, config_file=config_file)
    runtime = Runtime(flags={}, config_file=None, config=config)
    made: WorkerSettings = runtime.container.worker_settings()
    return made


def test_one_variable_gives_every_job_five_seconds() -> None:
    made = worker_settings({"SEMIONT_JOBS_WORKERS_JOB_TIMEOUT": "5"})
    assert {made.job_timeout_of(job_type) for job_type in JOB_TYPES} == {5.0}
    assert made.stall_timeout_of("generation") == 900


def test_the_defaults_are_two_hours_for_detection_half_an_hour_for_generation() -> None:
    made = worker_settings({})
    assert made.job_timeout_of("generation") == 1800
    assert {made.job_timeout_of(t) for t in JOB_TYPES if t != "generation"} == {7200}
    assert {made.stall_timeout_of(t) for t in JOB_TYPES} == {900}


def test_a_variable_may_give_pairs_of_type_and_seconds() -> None:
    made = worker_settings({"SEMIONT_JOBS_WORKERS_STALL_TIMEOUT": "generation=60, tag-annotation=0"})
    assert made.stall_timeout_of("generation") == 60
    assert made.stall_timeout_of("tag-annotation") is None
    assert made.stall_timeout_of("highlight-annotation") == 900


def test_a_toml_table_changes_the_types_it_names(tmp_path: Path) -> None:
    toml = tmp_path / "semiont-jobs.toml"
    toml.write_text('[workers]\njob_timeout = { generation = 600, "comment-annotation" = 30 }\n')
    made = worker_settings({}, toml)
    assert made.job_timeout_of("generation") == 600
    assert made.job_timeout_of("comment-annotation") == 30
    assert made.job_timeout_of("reference-annotation") == 7200
    toml.write_text("[workers]\nstall_timeout = 120\n")
    assert worker_settings({}, toml).stall_timeout_of("reference-annotation") == 120
    toml.write_text("[workers]\njob_timeout = { generaton = 600 }\n")
    with pytest.raises(ConfigurationError) as error:
        worker_settings({}, toml)
    assert error.value.setting == "workers.job_timeout"
    assert "unknown job type 'generaton'" in str(error.value) and str(toml) in str(error.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("soon", "'soon' is neither seconds nor job-type=seconds pairs"),
        ("-5", "-5.0 is not a number of seconds from 0"),
        ("generation=fast", "'generation=fast' is not job-type=seconds"),
    ],
)
def test_a_bad_variable_names_the_setting_the_variable_and_the_fault(text: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        settings.resolve({}, env={"SEMIONT_JOBS_WORKERS_JOB_TIMEOUT": text})
    assert error.value.setting == "workers.job_timeout"
    assert reason in str(error.value) and "SEMIONT_JOBS_WORKERS_JOB_TIMEOUT" in str(error.value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"generaton": 5}, "unknown job type 'generaton'"),
        ({"generation": "5"}, "generation: '5' is not a number of seconds"),
        ([5], "[5] is not a number of seconds"),
    ],
)
def test_a_bad_value_in_a_config_names_the_setting(value: Any, reason: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        check_config({"workers": {"stall_timeout": value}})
    assert error.value.setting == "workers.stall_timeout" and reason in str(error.value)


def test_the_health_port_and_interval_are_checked() -> None:
    for port in (-1, 70000, True):
        with pytest.raises(ConfigurationError, match=r"workers\.health_port.*port number"):
            check_config({"workers": {"health_port": port}})
    check_config({"workers": {"health_port": 0}})
    with pytest.raises(ConfigurationError, match=r"workers\.health_interval"):
        check_config({"workers": {"health_interval": 0}})


def test_prefetch_comes_from_the_environment_and_is_never_negative() -> None:
    assert worker_settings({}).prefetch == 0
    assert worker_settings({"SEMIONT_JOBS_WORKERS_PREFETCH": "8"}).prefetch == 8
    config = settings.resolve({"job_store.backend": "memory"}, env={"SEMIONT_JOBS_WORKERS_PREFETCH": "-1"})
    with pytest.raises(ConfigurationError) as error:
        check_config(config)
    assert error.value.setting == "workers.prefetch"
