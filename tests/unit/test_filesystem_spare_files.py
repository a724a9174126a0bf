"""Spare files: replaced job-file versions are written again, never while someone may read them."""

from __future__ import annotations

import asyncio
import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from semiont_jobs import FilesystemJobStore, JobId
from semiont_jobs.adapters.filesystem.jobs import spare_files
from semiont_jobs.adapters.filesystem.jobs.spare_files import SpareFiles
from semiont_jobs.testing.jobs import pending

pytestmark = pytest.mark.skipif(spare_files._renameat2 is None, reason="renameat2 exists only on Linux")


@pytest.fixture
def spares(tmp_path: Path) -> Iterator[SpareFiles]:
    files = SpareFiles(os.fspath(tmp_path / ".spare"), reuse_after=0)
    files.open()
    yield files
    files.close()


def write(spares: SpareFiles, path: Path, data: bytes) -> int:
    staged = spares.stage(os.fspath(path), data)
    spares.install(staged)
    return staged.inode


def spare_names(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".spare"))


def test_a_replaced_version_is_written_again_for_the_next_file(spares: SpareFiles, tmp_path: Path) -> None:
    first = write(spares, tmp_path / "a.json", b"a, version 1")
    write(spares, tmp_path / "a.json", b"a, version 2")
    reused = write(spares, tmp_path / "b.json", b"b")
    assert reused == first
    assert os.stat(tmp_path / "b.json").st_ino == first
    assert (tmp_path / "a.json").read_bytes() == b"a, version 2"
    assert (tmp_path / "b.json").read_bytes() == b"b"


def test_a_shorter_content_leaves_nothing_of_the_longer_one(spares: SpareFiles, tmp_path: Path) -> None:
    write(spares, tmp_path / "a.json", b"x" * 5000)
    write(spares, tmp_path / "a.json", b"y" * 5000)
    write(spares, tmp_path / "b.json", b"short")
    assert (tmp_path / "b.json").read_bytes() == b"short"


def test_a_version_someone_still_reads_is_not_written_again(spares: SpareFiles, tmp_path: Path) -> None:
    old = write(spares, tmp_path / "a.json", b"a, version 1")
    reader = os.open(tmp_path / "a.json", os.O_RDONLY)
    try:
        write(spares, tmp_path / "a.json", b"a, version 2")
        assert write(spares, tmp_path / "b.json", b"b") != old
        assert os.pread(reader, 100, 0) == b"a, version 1"
    finally:
        os.close(reader)
    assert write(spares, tmp_path / "c.json", b"c") == old  # once the reader has let go


def test_without_leases_a_spare_waits_out_its_time(
    spares: SpareFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spare_files, "_lease", lambda fd: None)
    old = write(spares, tmp_path / "a.json", b"1")
    write(spares, tmp_path / "a.json", b"2")
    assert write(spares, tmp_path / "b.json", b"b") != old
    spares.unproven_after = 0
    assert write(spares, tmp_path / "c.json", b"c") == old


def test_a_filesystem_that_cannot_exchange_gets_new_files(
    spares: SpareFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(first: str, second: str) -> None:
        raise OSError(errno.EINVAL, "not here", first)

    monkeypatch.setattr(spare_files, "exchange", refuse)
    write(spares, tmp_path / "a.json", b"1")
    write(spares, tmp_path / "a.json", b"2")
    assert (tmp_path / "a.json").read_bytes() == b"2"
    assert not spares.enabled
    write(spares, tmp_path / "a.json", b"3")
    assert (tmp_path / "a.json").read_bytes() == b"3"
    assert spare_names(tmp_path / ".spare") == []


def test_close_removes_the_stores_spares(tmp_path: Path) -> None:
    folder = tmp_path / ".spare"
    files = SpareFiles(os.fspath(folder))
    files.open()
    write(files, tmp_path / "a.json", b"1")
    write(files, tmp_path / "a.json", b"2")
    assert len(spare_names(folder)) == 1
    files.close()
    assert os.listdir(folder) == []


def test_opening_sweeps_the_spares_of_owners_gone_and_keeps_live_ones(tmp_path: Path) -> None:
    folder = tmp_path / ".spare"
    live = SpareFiles(os.fspath(folder), reuse_after=3600)
    live.open()
    write(live, tmp_path / "a.json", b"1")
    write(live, tmp_path / "a.json", b"2")
    folder.joinpath("123-dead~1.spare").write_bytes(b"old")
    folder.joinpath("123-dead.lock").write_bytes(b"")
    folder.joinpath("456-nolock~7.spare").write_bytes(b"old")
    kept = spare_names(folder)
    newcomer = SpareFiles(os.fspath(folder))
    newcomer.open()
    try:
        left = sorted(os.listdir(folder))
        assert (
            "123-dead~1.spare" not in left
            and "123-dead.lock" not in left
            and "456-nolock~7.spare" not in left
        )
        assert [name for name in kept if not name.startswith(("123-", "456-"))] == spare_names(folder)
    finally:
        newcomer.close()
        live.close()


def test_a_killed_process_leaves_spares_the_next_store_sweeps(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    script = textwrap.dedent(
        f"""
        import asyncio, os
        from datetime import UTC, datetime, timedelta
        from semiont_jobs import FilesystemJobStore, JobId
        from semiont_jobs.testing.jobs import pending

        async def main():
            store = FilesystemJobStore({os.fspath(data_dir)!r}, watch=False)
            for n in range(5):
                await store.create(pending(job_id=f"job-{{n}}"))
            while (claim := await store.claim("w", timedelta(minutes=5))) is not None:
                await store.finish(claim, claim.job.complete(None, datetime.now(UTC)))
            os._exit(9)

        asyncio.run(main())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=120)
    assert done.returncode == 9
    folder = data_dir / "jobs" / ".spare"
    assert spare_names(folder), "the killed process left its spares"

    async def reopen() -> None:
        store = FilesystemJobStore(data_dir, watch=False)
        await store.open()
        assert spare_names(folder) == []
        assert (await store.stats()).complete == 5
        await store.close()

    asyncio.run(reopen())


async def test_a_store_drains_through_recycled_files_and_every_file_is_whole(tmp_path: Path) -> None:
    store = FilesystemJobStore(tmp_path / "data", watch=False)
    for n in range(40):
        await store.create(pending(job_id=f"job-{n:03d}"))
    inodes: set[int] = set()
    while (claim := await store.claim("w", timedelta(minutes=5))) is not None:
        await store.finish(claim, claim.job.complete(None, datetime.now(UTC)))
    for path in (tmp_path / "data" / "jobs" / "complete").iterdir():
        inodes.add(path.stat().st_ino)
        assert (await store.get(JobId(path.stem))) is not None
    stats = await store.stats()
    await store.close()
    assert stats.complete == 40 and stats.pending == 0 and stats.running == 0
    assert len(inodes) == 40
