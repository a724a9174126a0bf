"""A reader in another process that holds a job file open never sees it rewritten for another job."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore
from semiont_jobs.adapters.filesystem.jobs import spare_files
from semiont_jobs.testing.jobs import pending

REPO = Path(__file__).resolve().parents[2]
JOBS = 400

DRAIN = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime, timedelta
    from semiont_jobs import FilesystemJobStore

    async def main():
        store = FilesystemJobStore(sys.argv[1], watch=False)

        async def slot(name):
            while (claim := await store.claim(name, timedelta(minutes=5))) is not None:
                await store.finish(claim, claim.job.complete(None, datetime.now(UTC)))

        await asyncio.gather(*(slot(f"slot-{k}") for k in range(4)))
        print(len(list((store.data_dir / "jobs" / ".spare").glob("*.spare"))), flush=True)
        await store.close()

    asyncio.run(main())
    """
)


@pytest.mark.skipif(spare_files._renameat2 is None, reason="files are recycled only on Linux")
def test_a_reader_in_another_process_reads_each_job_whole_while_files_are_recycled(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    async def fill() -> None:
        store = FilesystemJobStore(data_dir, watch=False)
        for n in range(JOBS):
            await store.create(pending(f"job-{n:04d}", offset_seconds=n))
        await store.close()

    asyncio.run(fill())
    drain = subprocess.Popen(
        [sys.executable, "-c", DRAIN, str(data_dir)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    reads = mismatches = 0
    folders = [data_dir / "jobs" / status for status in ("pending", "running", "complete")]
    while drain.poll() is None:
        held: list[tuple[str, int]] = []  # opened now, read a little later, like a busy reader
        for folder in folders:
            for name in os.listdir(folder):
                try:
                    held.append((name, os.open(folder / name, os.O_RDONLY)))
                except FileNotFoundError:
                    continue  # moved on meanwhile
        time.sleep(0.02)
        for name, fd in held:
            content = os.pread(fd, 1 << 20, 0)
            os.close(fd)
            reads += 1
            job = json.loads(content)
            if job["metadata"]["id"] != name.removesuffix(".json"):
                mismatches += 1
    spares_in_use = int(drain.communicate(timeout=120)[0].strip() or 0)
    assert drain.returncode == 0
    assert reads > 0 and mismatches == 0
    assert spares_in_use > 0, "the drain recycled files"
    assert len(os.listdir(data_dir / "jobs" / "complete")) == JOBS
