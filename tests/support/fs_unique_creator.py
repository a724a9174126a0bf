"""A process that creates one unique job in a filesystem store once told to go, and prints the id it got.

Run: ``python -m tests.support.fs_unique_creator DATA_DIR JOB_ID GO_FILE``; it opens the
store, prints ``ready``, waits until ``GO_FILE`` exists, creates ``JOB_ID`` with the
unique key ``race``, and prints ``got <id>``.
"""

from __future__ import annotations

import asyncio
import os
import sys

from semiont_jobs import FilesystemJobStore
from semiont_jobs.testing.jobs import pending


async def main(data_dir: str, job_id: str, go: str) -> None:
    store = FilesystemJobStore(data_dir, watch=False)
    await store.open()
    print("ready", flush=True)
    while not await asyncio.to_thread(os.path.exists, go):
        await asyncio.sleep(0.001)
    got = await store.create(pending(job_id, unique_key="race"))
    print("got", got, flush=True)
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
