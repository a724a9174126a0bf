"""What each status folder holds, newest ``created`` first, kept in a small file beside it for listing.

``<root>/.index/<status>.tsv`` lists, for every job file the folder held when it
was written, its ``created`` time, id, inode, type and user, newest first. It is a
hint, never the truth: it is trusted only while the folder's modification time is
the one it recorded, and only when the folder had been quiet for ``QUIET_NS`` before
it was read (a change within the clock's granularity could otherwise go unseen).
Otherwise the folder's names are read again and only files that are new (by
inode) are opened. So listing a page of a folder of 100,000 finished jobs reads a
few lines and the page's files, not 100,000 files.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TextIO

import attrs

from semiont_jobs.adapters.filesystem.jobs.job_files import JobFiles
from semiont_jobs.adapters.helpers.durable_files import write_atomic
from semiont_jobs.domain.ids import JobId
from semiont_jobs.domain.vocabulary import JobStatus

log = logging.getLogger("semiont_jobs.filesystem")

INDEX = ".index"
QUIET_NS = 2_000_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
VERSION = 1


@attrs.frozen
class Entry:
    """One job file of a folder, as the index knows it."""

    created: str
    """Microseconds since the epoch, zero-padded: text order is time order; empty when unreadable."""
    job_id: JobId
    inode: int
    job_type: str
    user_id: str

    def line(self) -> str:
        return f"{self.created}\t{self.job_id}\t{self.inode}\t{_text(self.job_type)}\t{_text(self.user_id)}\n"


def _text(value: str) -> str:
    """``value`` with tabs, newlines and backslashes escaped (as in JSON)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _entry(line: str) -> Entry | None:
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 5 or not parts[2].isdigit():
        return None
    with contextlib.suppress(ValueError):
        job_type, user_id = (json.loads(f'"{part}"') if "\\" in part else part for part in parts[3:])
        return Entry(parts[0], JobId(parts[1]), int(parts[2]), job_type, user_id)
    return None


def created_key(moment: datetime) -> str:
    return f"{(moment - EPOCH) // timedelta(microseconds=1):017d}"


class FolderIndex:
    """Entries of one status folder, newest first (see the module's docstring)."""

    def __init__(self, files: JobFiles, status: JobStatus) -> None:
        self._files = files
        self._status = status
        self._folder = str(files.folder(status))
        self._path = os.path.join(files.root, INDEX, f"{status}.tsv")

    def entries(self) -> Iterator[Entry]:
        """Every job file of the folder, newest ``created`` first (read lazily when the index holds)."""
        mtime = os.stat(self._folder).st_mtime_ns
        trusted = self._trusted(mtime)
        if trusted is not None:
            yield from trusted
            return
        yield from self._rebuild(mtime)

    def _trusted(self, mtime: int) -> Iterator[Entry] | None:
        try:
            handle = open(self._path, encoding="utf-8")  # noqa: SIM115 (closed by the generator)
        except OSError:
            return None
        with contextlib.suppress(ValueError, json.JSONDecodeError):
            header = json.loads(handle.readline())
            if header.get("version") == VERSION and header.get("mtime") == mtime and header.get("quiet"):
                return self._lines(handle)
        handle.close()
        return None

    @staticmethod
    def _lines(handle: TextIO) -> Iterator[Entry]:
        with handle:
            for line in handle:
                entry = _entry(line)
                if entry is not None:
                    yield entry

    def _known(self) -> dict[JobId, Entry]:
        known: dict[JobId, Entry] = {}
        with contextlib.suppress(OSError), open(self._path, encoding="utf-8") as handle:
            handle.readline()
            for line in handle:
                entry = _entry(line)
                if entry is not None:
                    known[entry.job_id] = entry
        return known

    def _rebuild(self, mtime: int) -> list[Entry]:
        scanned_at = time.time_ns()
        known = self._known()
        entries: list[Entry] = []
        for job_id, inode in self._files.names(self._status):
            entry = known.get(job_id)
            if entry is None or entry.inode != inode:
                stored = self._files.read(self._status, job_id, locked=False)
                if stored is None:  # unreadable now: last, for the lister to look at under its lock
                    entry = Entry("", job_id, inode, "", "")
                else:
                    job = stored.job
                    entry = Entry(
                        created_key(job.metadata.created), job_id, stored.inode, job.type, job.user_id
                    )
            entries.append(entry)
        entries.sort(key=lambda e: (e.created, e.job_id), reverse=True)
        header = {"version": VERSION, "mtime": mtime, "quiet": scanned_at - mtime >= QUIET_NS}
        data = json.dumps(header) + "\n" + "".join(entry.line() for entry in entries)
        try:
            os.makedirs(os.path.dirname(self._path), exist_ok=True)
            write_atomic(self._path, data.encode("utf-8"), fsync=False)
        except OSError as exc:
            log.debug("cannot write the listing index %s: %s", self._path, exc)
        return entries
