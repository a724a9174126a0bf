"""One settings schema: the defaults, the command's variables and flags, the backend names come from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
from dependency_injector import providers

from semiont_jobs import ConfigurationError, Container
from semiont_jobs.cli import settings
from semiont_jobs.cli.app import cli
from semiont_jobs.cli.runtime import Runtime
from semiont_jobs.cli.work import work_command
from semiont_jobs.settings_schema import DEFAULT_CONFIG, SETTINGS, check_config, choices, default_config

README = Path(__file__).parents[2] / "README.md"
PORT_OF_CHOICE = {
    "job_store.backend": "job_store",
    "event_bus.backend": "event_bus",
    "inference.provider": "inference_client",
    "content.backend": "content_fetcher",
}
TEXT_FOR_TYPE: dict[type, tuple[str, Any]] = {
    str: ("some-text", "some-text"),
    int: ("7", 7),
    float: ("2.5", 2.5),
    bool: ("false", False),
}


def test_default_config_holds_exactly_the_schema_defaults() -> None:
    flattened = {
        f"{section}.{name}": value
        for section, values in DEFAULT_CONFIG.items()
        for name, value in values.items()
    }
    assert flattened == {setting.key: setting.default for setting in SETTINGS}
    assert Container().config() == DEFAULT_CONFIG


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.key)
def test_every_setting_is_read_from_its_environment_variable(setting: Any) -> None:
    text, value = TEXT_FOR_TYPE[setting.type]
    if setting.choices:
        text = value = setting.choices[0]
    assert setting.env_var == "SEMIONT_JOBS_" + setting.key.replace(".", "_").upper()
    config = settings.resolve({}, env={setting.env_var: text})
    assert config[setting.section][setting.name] == value


def test_a_malformed_value_names_the_setting_and_where_it_came_from() -> None:
    with pytest.raises(ConfigurationError) as error:
        settings.resolve({}, env={"SEMIONT_JOBS_JOB_STORE_FSYNC": "maybe"})
    assert error.value.setting == "job_store.fsync"
    assert "SEMIONT_JOBS_JOB_STORE_FSYNC" in str(error.value)
    with pytest.raises(ConfigurationError, match=r"workers\.concurrency"):
        settings.resolve({}, env={"SEMIONT_JOBS_WORKERS_CONCURRENCY": "many"})


def test_secret_settings_are_masked() -> None:
    config = settings.resolve({}, env={setting.env_var: "s3cret" for setting in SETTINGS if setting.secret})
    shown = settings.masked(config)
    for setting in SETTINGS:
        if setting.secret:
            assert shown[setting.section][setting.name] == "***"
    assert "s3cret" not in repr(shown)


def test_store_flag_offers_the_schema_choices() -> None:
    [store] = [param for param in cli.params if param.name == "store"]
    assert isinstance(store.type, click.Choice)
    assert tuple(store.type.choices) == choices("job_store.backend")


@pytest.mark.parametrize("key", sorted(PORT_OF_CHOICE))
def test_the_container_serves_exactly_the_schema_choices(key: str) -> None:
    port = getattr(Container(), PORT_OF_CHOICE[key])
    [selector] = [arg for arg in port.args if isinstance(arg, providers.Selector)]
    assert sorted(selector.providers) == sorted(choices(key))


@pytest.mark.parametrize("key", sorted(PORT_OF_CHOICE))
def test_check_config_refuses_a_name_outside_the_choices(key: str) -> None:
    section, name = key.split(".")
    for choice in choices(key):
        check_config({**default_config(), section: {name: choice}})
    with pytest.raises(ConfigurationError) as error:
        check_config({**default_config(), section: {name: "nonesuch"}})
    assert error.value.setting == key


def test_stop_grace_is_flag_over_environment_over_file_over_default(tmp_path: Path) -> None:
    toml = tmp_path / "semiont-jobs.toml"
    toml.write_text("[workers]\nstop_grace = 3\n")
    env = {"SEMIONT_JOBS_WORKERS_STOP_GRACE": "2"}
    flag = {"workers.stop_grace": 1.0}

    def grace(flags: dict[str, Any], env: dict[str, str], file: Path | None) -> Any:
        return settings.resolve(flags, env=env, config_file=file)["workers"]["stop_grace"]

    assert grace(flag, env, toml) == 1.0
    assert grace({}, env, toml) == 2.0
    assert grace({}, {}, toml) == 3
    assert grace({}, {}, None) == 60.0


def test_stop_grace_reaches_every_worker_the_work_command_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMIONT_JOBS_WORKERS_STOP_GRACE", "4.5")
    monkeypatch.setenv("SEMIONT_JOBS_WORKERS_PUBLIC_URL", "http://localhost:4000")
    runtime = Runtime(flags={"job_store.backend": "memory"}, config_file=None)
    workers = runtime.container.workers()
    assert len(workers) == 6
    assert {worker.settings.stop_grace for worker in workers} == {4.5}
    parsed = work_command.make_context("work", []).params
    assert parsed["grace"] is None, "--grace must not hide workers.stop_grace behind a default of its own"
    assert work_command.make_context("work", ["--grace", "2"]).params["grace"] == 2.0


def test_the_readme_configuration_table_names_every_setting() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| key | default | meaning |") :].split("\n\n", 1)[0]
    named = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", table))
    assert named == {setting.key for setting in SETTINGS}


def test_file_values_given_as_text_are_typed_by_the_schema(tmp_path: Path) -> None:
    toml = tmp_path / "semiont-jobs.toml"
    toml.write_text('[workers]\nconcurrency = "4"\n[job_store]\nfsync = "no"\n')
    config = settings.resolve({}, env={}, config_file=toml)
    assert config["workers"]["concurrency"] == 4 and config["job_store"]["fsync"] is False
    toml.write_text('[workers]\nconcurrency = "many"\n')
    with pytest.raises(ConfigurationError) as error:
        settings.resolve({}, env={}, config_file=toml)
    assert error.value.setting == "workers.concurrency" and str(toml) in str(error.value)


def test_a_boolean_in_the_file_is_a_boolean_and_a_number_for_a_flag_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "semiont-jobs.toml"
    toml.write_text("[job_store]\nfsync = false\n")
    assert settings.resolve({}, env={}, config_file=toml)["job_store"]["fsync"] is False
    toml.write_text("[job_store]\nfsync = 3\n")
    with pytest.raises(ConfigurationError) as error:
        settings.resolve({}, env={}, config_file=toml)
    assert error.value.setting == "job_store.fsync"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("inference.timeout", float("nan"), "above 0"),
        ("inference.timeout", 0, "above 0"),
        ("inference.max_concurrency", 0, "1 or more"),
        ("inference.context_window", -5, "1 or more"),
        ("workers.concurrency", -3, "1 or more"),
        ("workers.stop_grace", float("inf"), "finite"),
        ("workers.timeout_grace", -1, "0 or more"),
        ("detection.chunk_tokens", 0, "1 or more"),
        ("detection.max_failed_chunk_share", 1.5, "from 0 to 1"),
        ("inference.max_retries", 1.5, "whole number"),
    ],
)
def test_numbers_out_of_range_are_refused_naming_the_setting(key: str, value: object, says: str) -> None:
    config = default_config()
    section, _, name = key.partition(".")
    config[section][name] = value
    with pytest.raises(ConfigurationError, match=says) as caught:
        check_config(config)
    assert key in str(caught.value)


def test_the_defaults_pass_their_own_checks() -> None:
    check_config(default_config())
