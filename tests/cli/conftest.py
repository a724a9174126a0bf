"""Running the real ``semiont-jobs`` console script against a temporary data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

SCRIPT = Path(sys.executable).parent / "semiont-jobs"


@attrs.define
class Cli:
    """Runs the command with ``--data-dir`` set and the ``SEMIONT_JOBS_*`` variables given."""

    data_dir: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(SCRIPT), "--data-dir", str(self.data_dir), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(SCRIPT), "--data-dir", str(self.data_dir), *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def files(self, status: str) -> list[str]:
        folder = self.data_dir / "jobs" / status
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The test's environment without provider keys or settings of ours, plus ``extra``."""
    drop = ("SEMIONT_JOBS_", "ANTHROPIC_", "OPENAI_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(drop)}
    env.update(extra)
    return env


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    assert SCRIPT.is_file(), f"console script not installed at {SCRIPT}"
    return Cli(tmp_path / "data", clean_env({"SEMIONT_JOBS_WORKERS_PUBLIC_URL": "http://localhost:4000"}))
