"""Every command, every bad argument: one line ``Error: ...`` naming what was wrong, exit 1 (2 for usage)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from semiont_jobs.application.job_queue import JobQueue
from semiont_jobs.cli.app import cli

SCRIPT = Path(sys.executable).parent / "semiont-jobs"
NUMBERS_NO_OPTION_TAKES = ["nan", "inf", "-inf", "abc", "", "1e400"]
Outcome = tuple[int, str, BaseException | None]
Invoke = Callable[..., Outcome]


def commands(
    group: click.Group = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(commands())
OPTIONS = [
    (path, option.opts[0], option.type)
    for path, command in COMMANDS
    for option in command.params
    if isinstance(option, click.Option) and not option.is_flag and not option.opts[0].startswith("--help")
]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Runs the command in this process on a fresh data dir, with none of the caller's settings."""
    for key in list(os.environ):
        if key.startswith(("SEMIONT_JOBS_", "ANTHROPIC_", "OPENAI_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    data_dir = str(tmp_path / "data")

    def invoke(*args: str, env: dict[str, str] | None = None) -> Outcome:
        result = CliRunner().invoke(cli, ["--data-dir", data_dir, "--store", "filesystem", *args], env=env)
        return result.exit_code, result.stderr, result.exception

    return invoke


def assert_one_line(outcome: Outcome, code: int, *named: str) -> None:
    exit_code, stderr, exception = outcome
    assert exception is None or isinstance(exception, SystemExit), f"escaped: {exception!r}"
    assert "Traceback" not in stderr
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1, stderr
    assert exit_code == code, stderr
    for name in named:
        assert name in stderr


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, tuple) else ""
)
def test_an_unknown_option_of_any_command_is_a_one_line_usage_error(
    run: Invoke, path: tuple[str, ...], command: click.Command
) -> None:
    assert_one_line(run(*path, "--no-such-option"), 2, "--no-such-option")


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, tuple) else ""
)
def test_too_many_arguments_to_any_command_is_a_one_line_usage_error(
    run: Invoke, path: tuple[str, ...], command: click.Command
) -> None:
    extra = [
        param.type.choices[0] if isinstance(param.type, click.Choice) else "a"
        for param in command.params
        if isinstance(param, click.Argument)
    ]
    extra.append("a")
    assert_one_line(run(*path, *extra), 2, "unexpected extra argument")


@pytest.mark.parametrize(
    ("path", "option", "value"),
    [
        (path, option, value)
        for path, option, kind in OPTIONS
        if isinstance(kind, click.types.IntParamType | click.types.FloatParamType | click.Choice)
        for value in (["bogus"] if isinstance(kind, click.Choice) else NUMBERS_NO_OPTION_TAKES)
    ],
    ids=str,
)
def test_a_bad_value_of_any_numeric_or_choice_option_is_a_one_line_usage_error(
    run: Invoke, path: tuple[str, ...], option: str, value: str
) -> None:
    assert_one_line(run(*path, option, value), 2, option)


def test_the_options_swept_include_every_numeric_option() -> None:
    swept = {
        (" ".join(path), option)
        for path, option, kind in OPTIONS
        if not isinstance(kind, click.types.StringParamType)
    }
    assert {
        ("cleanup", "--older-than"),
        ("watch", "--interval"),
        ("work", "--grace"),
        ("enqueue", "--density"),
    } <= swept
    assert {
        ("list", "--limit"),
        ("events", "--from"),
        ("work", "--concurrency"),
        ("enqueue", "--max-retries"),
    } <= swept


@pytest.mark.parametrize(
    ("args", "code", "named"),
    [
        (["events", "--consumer", "../x"], 2, "--consumer"),
        (["events", "--consumer", ""], 2, "--consumer"),
        (["show", "../x"], 1, "invalid job id"),
        (["show", ""], 1, "invalid job id"),
        (["show", "x" * 10_000], 1, "longer than 200"),
        (["show", "nope"], 1, "no job with id"),
        (["cancel", "../x"], 1, "invalid job id"),
        (["retry", "nope"], 1, "not failed or cancelled"),
        (["watch", "../x"], 1, "invalid job id"),
        (["list", "--limit", str(2**63)], 2, "--limit"),
        (["list", "--offset", "-1"], 2, "--offset"),
        (["cleanup", "--older-than", "1e308"], 2, "--older-than"),
        (["enqueue"], 2, "TYPE"),
        (["enqueue", "generation"], 2, "--file"),
        (["enqueue", "tag-annotation", "--resource", "r"], 2, "--schema"),
        (["enqueue", "highlight-annotation", "--resource", "r", "--id", "../x"], 1, "invalid job id"),
        (
            ["enqueue", "highlight-annotation", "--resource", "r", "--max-retries", str(10**30)],
            1,
            "maxRetries",
        ),
        (["enqueue", "highlight-annotation", "--file", "/nonexistent"], 1, "cannot read job file"),
        (["enqueue", "highlight-annotation", "--file", "/dev/zero"], 1, "larger than"),
        (["enqueue", "highlight-annotation", "--file", "/"], 1, "cannot read job file"),
        (["--config", "/nonexistent", "stats"], 1, "/nonexistent"),
        (["--config", "/", "config"], 1, "configuration config"),
        (["--data-dir", "", "stats"], 2, "--data-dir"),
        (["--data-dir", "/dev/null", "stats"], 1, "/dev/null"),
        (["--data-dir", "/dev/null", "demo"], 1, "/dev/null"),
        (["--store", "postgres", "--dsn", "garbage", "stats"], 1, "dsn"),
        (["--store", "bogus", "stats"], 2, "--store"),
        (["db", "migrate"], 1, "job_store.dsn"),
        (["no-such-command"], 2, "no-such-command"),
    ],
    ids=lambda v: " ".join(v)[:60] if isinstance(v, list) else str(v),
)
def test_bad_arguments_give_one_line_naming_what_was_wrong(
    run: Invoke, args: list[str], code: int, named: str
) -> None:
    assert_one_line(run(*args), code, named)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
        (b'{"resourceId": NaN}', "NaN"),
        (b"\xff\xfe garbage", "not JSON"),
        (b'{"status": "pending", "metadata": 5}', "metadata"),
        (b'{"status": [], "metadata": {}}', "status"),
    ],
)
def test_a_bad_job_file_gives_one_line(run: Invoke, tmp_path: Path, content: bytes, named: str) -> None:
    bad = tmp_path / "job.json"
    bad.write_bytes(content)
    assert_one_line(run("enqueue", "highlight-annotation", "--file", str(bad)), 1, named)


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        (b"\x00\xff[[[", "not valid TOML"),
        (b"job_store = 5\n", "[job_store] table"),
        (b"[event_bus]\nbackend = 5\n", "event_bus.backend"),
        (b'[workers]\nconcurrency = "x"\n', "workers.concurrency"),
    ],
)
@pytest.mark.parametrize("command", ["stats", "config", "work"])
def test_a_bad_configuration_file_gives_one_line(
    run: Invoke, tmp_path: Path, toml: bytes, named: str, command: str
) -> None:
    config = tmp_path / "bad.toml"
    config.write_bytes(toml)
    assert_one_line(run("--config", str(config), command), 1, named)


@pytest.mark.parametrize("command", ["config", "stats", "work"])
def test_a_bad_environment_variable_gives_one_line(run: Invoke, command: str) -> None:
    outcome = run(command, env={"SEMIONT_JOBS_WORKERS_CONCURRENCY": "abc"})
    assert_one_line(outcome, 1, "SEMIONT_JOBS_WORKERS_CONCURRENCY")


def test_an_unexpected_error_is_one_line_and_debug_shows_its_traceback(
    run: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(_queue: JobQueue) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(JobQueue, "get_stats", broken)
    assert_one_line(run("stats"), 1, "unexpected RuntimeError: boom", "--debug")
    exit_code, _stderr, exception = run("--debug", "stats")
    assert exit_code == 1 and isinstance(exception, RuntimeError)


@pytest.mark.parametrize(
    "args",
    [
        ["events", "--consumer", "../x"],
        ["--config", "{garbage}", "stats"],
        ["enqueue", "highlight-annotation", "--file", "/dev/zero"],
        ["cleanup", "--older-than", "nan"],
    ],
    ids=lambda args: " ".join(args),
)
def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "{garbage}").write_bytes(b"\xff")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMIONT_JOBS_")}
    result = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "data"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.returncode in (1, 2)
