"""Listing the filesystem store: a page reads its own files only, and never misses a change."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore
from semiont_jobs.domain import JobQuery
from semiont_jobs.testing.jobs import pending
from tests.support.job_file_reads import count_reads


def age_folders(data_dir: Path) -> None:
    """Make every status folder look untouched for an hour (as a quiet data directory is)."""
    old = time.time() - 3600
    for folder in (data_dir / "jobs").iterdir():
        os.utime(folder, (old, old))


async def test_a_page_of_a_quiet_folder_reads_only_its_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FilesystemJobStore(tmp_path, fsync=False)
    for n in range(300):
        await store.create(pending(f"job-{n:03d}", offset_seconds=n))
    age_folders(tmp_path)
    assert len(await store.list(JobQuery(limit=500))) == 300
    reads = count_reads(monkeypatch)
    page = await store.list(JobQuery(limit=5, offset=2))
    assert [job.id for job in page] == [f"job-{n:03d}" for n in (297, 296, 295, 294, 293)]
    assert sorted(reads) == sorted(job.id for job in await store.list(JobQuery(limit=7)))
    await store.close()


async def test_a_change_after_the_index_was_written_is_listed(tmp_path: Path) -> None:
    store, other = FilesystemJobStore(tmp_path, fsync=False), FilesystemJobStore(tmp_path, fsync=False)
    for n in range(5):
        await store.create(pending(f"job-{n}", offset_seconds=n))
    age_folders(tmp_path)
    assert len(await store.list(JobQuery())) == 5
    await other.create(pending("job-new", offset_seconds=100))
    claim = await other.claim("w", timedelta(seconds=30))
    assert claim is not None and claim.job_id == "job-0"
    listed = await store.list(JobQuery())
    assert [job.id for job in listed][:1] == ["job-new"]
    assert {str(job.id): job.status for job in listed}["job-0"] == "running"
    assert len(listed) == 6
    await store.close()
    await other.close()
