"""Users' strict code type-checks against the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent.parent / "typing" / "integration_sample.py"


@pytest.mark.slow
def test_integration_module_is_clean_under_mypy_strict(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "integration.py")
    (tmp_path / "broken.py").write_text(
        "from semiont_jobs import JobQueue\n\nasync def f(q: JobQueue) -> None:\n    await q.cancel_job(42)\n"
    )
    clean = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "integration.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "broken.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1 and "cancel_job" in broken.stdout, broken.stdout


HANDLER_MISTAKES = """\
from semiont_jobs import (
    HighlightDetectionParams,
    HighlightDetectionResult,
    JobContext,
    RunningJob,
)
from semiont_jobs.domain.progress import AnalysisProgress, DetectionProgress

async def handler(
    job: RunningJob[HighlightDetectionParams, AnalysisProgress],
    context: JobContext[HighlightDetectionParams, AnalysisProgress],
) -> HighlightDetectionResult:
    job.params.entity_types
    wrong = DetectionProgress(
        total_entity_types=1, processed_entity_types=0, entities_found=0, entities_emitted=0
    )
    await context.report_progress(wrong)
    return HighlightDetectionResult(highlights_found=0, highlights_created=0)
"""


@pytest.mark.slow
def test_mypy_sees_a_handlers_real_params_and_progress_types(tmp_path: Path) -> None:
    (tmp_path / "mistakes.py").write_text(HANDLER_MISTAKES)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "mistakes.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 1, checked.stdout
    assert '"HighlightDetectionParams" has no attribute "entity_types"' in checked.stdout, checked.stdout
    assert 'incompatible type "DetectionProgress"; expected "AnalysisProgress"' in checked.stdout, (
        checked.stdout
    )


def test_package_ships_py_typed() -> None:
    import semiont_jobs

    assert (Path(semiont_jobs.__file__).parent / "py.typed").is_file()


def test_public_api_is_exported() -> None:
    import semiont_jobs

    missing = [name for name in semiont_jobs.__all__ if not hasattr(semiont_jobs, name)]
    assert missing == []
    for name in ("JobQueue", "JobWorker", "Container", "job_to_dict", "job_from_dict", "InvalidJobError"):
        assert name in semiont_jobs.__all__
