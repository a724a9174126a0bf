"""Unique jobs in the filesystem store across real processes: racing creates make one job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from semiont_jobs import FilesystemJobStore, JobId
from semiont_jobs.testing.jobs import pending

REPO = Path(__file__).resolve().parents[2]


def test_processes_racing_one_unique_enqueue_get_one_id(tmp_path: Path) -> None:
    data_dir, go = tmp_path / "data", tmp_path / "go"
    for round_ in range(3):
        creators = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.support.fs_unique_creator",
                    str(data_dir),
                    f"job-{round_}-{n}",
                    str(go),
                ],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(4)
        ]
        for creator in creators:
            assert creator.stdout is not None
            assert creator.stdout.readline().strip() == "ready"
        go.touch()
        got = set()
        for creator in creators:
            out, err = creator.communicate(timeout=60)
            assert creator.returncode == 0, err
            got.add(out.split()[-1])
        go.unlink()
        pending_files = sorted(p.name for p in (data_dir / "jobs" / "pending").glob("*.json"))
        assert len(got) == 1, got
        assert pending_files == [f"{got.pop()}.json"]
        (data_dir / "jobs" / "pending" / pending_files[0]).rename(
            data_dir / "jobs" / "complete" / pending_files[0]
        )


async def test_a_marker_naming_no_job_of_its_key_frees_the_key_gone_foreign_or_garbled(
    tmp_path: Path,
) -> None:
    store = FilesystemJobStore(tmp_path, watch=False)
    assert await store.create(pending("job-a", unique_key="k")) == "job-a"
    (tmp_path / "jobs" / "pending" / "job-a.json").unlink()
    assert await store.create(pending("job-b", unique_key="k")) == "job-b"
    markers = list((tmp_path / "jobs" / ".unique").iterdir())
    assert len(markers) == 1
    markers[0].write_text('{"uniqueKey": "k", "jobId": "job-other"}')
    await store.create(pending("job-other", unique_key="another"))
    assert await store.create(pending("job-c", unique_key="k")) == "job-c"
    markers[0].write_text("not json")
    assert await store.create(pending("job-d", unique_key="k")) == "job-d"
    assert await store.get(JobId("job-b")) is not None
    await store.close()
