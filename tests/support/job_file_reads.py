"""Counting which job files the filesystem store reads."""

from __future__ import annotations

from typing import Any

import pytest

from semiont_jobs import JobId
from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the id of every job file read is appended to the returned list."""
    reads: list[str] = []
    original = JobFiles.read

    def counting(self: JobFiles, status: Any, job_id: JobId, *, locked: bool = True) -> Any:
        reads.append(job_id)
        return original(self, status, job_id, locked=locked)

    monkeypatch.setattr(JobFiles, "read", counting)
    return reads
