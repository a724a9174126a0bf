"""Group commit: job transitions that arrive together share one durability pass.

A transition is a piece of blocking work that reads job files and stages the
files it writes (:class:`Writes`). Transitions submitted while a batch is being
committed form the next batch, which one thread commits as follows: every lock
the batch needs is taken (in one order, so committers in other processes cannot
deadlock with it); each transition's work runs and stages its files; all staged
files are synced together (concurrent ``fdatasync``); they are renamed into place
(and moved to their new folders); the locks are let go; each folder touched is
fsynced once; then every caller is released. So a transition that has returned
survives a power cut, a crash before that leaves each file old or new (never
torn), and since every decision and rename happens under the job's lock, claims
stay exclusive across processes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import attrs

from semiont_jobs.adapters.filesystem.jobs.job_locks import JobLocks
from semiont_jobs.adapters.helpers.durable_files import StagedFile, datasync_all, fsync_dirs, stage

T = TypeVar("T")

MAX_BATCH = 64
"""Transitions committed together at most; more wait for the next batch."""
SYNC_THREADS = 16


class Writes:
    """The files one transition writes, staged until its batch commits them."""

    def __init__(self) -> None:
        self.staged: list[tuple[StagedFile, str | None]] = []

    def put(self, path: str, data: bytes, *, move_to: str | None = None) -> int:
        """Replace ``path`` by ``data`` (then rename it to ``move_to``); return the new file's inode."""
        staged = stage(path, data)
        self.staged.append((staged, move_to))
        return staged.inode

    def discard(self) -> None:
        for staged, _ in self.staged:
            staged.discard()
        self.staged.clear()


class Retry(Exception):
    """Raised by a transition's work to be run again in the next batch (its locks were not enough)."""


@attrs.define(eq=False)
class _Transition:
    keys: tuple[str, ...]
    work: Callable[[Writes], Any]
    more_keys: Callable[[], Iterable[str]] | None
    done: asyncio.Future[Any]
    writes: Writes = attrs.field(factory=Writes)
    result: Any = None
    error: BaseException | None = None
    retry: bool = False


RunBlocking = Callable[..., Awaitable[Any]]


class GroupCommitter:
    """Commits transitions in batches (see the module's docstring).

    ``keys`` name the locks a transition needs (job ids); two transitions that share
    a key never share a batch, so each sees the other's files. ``more_keys`` is
    asked, in the committer's thread before locking, for locks known only by reading.
    ``move(source, target)`` renames a file into another folder. ``run`` runs blocking
    work off the event loop; ``translate`` turns a transition's ``OSError`` into the
    store's error. With ``fsync`` off, nothing is synced.
    """

    def __init__(
        self,
        locks: JobLocks,
        move: Callable[[str, str], None],
        *,
        fsync: bool,
        run: RunBlocking,
        translate: Callable[[OSError], Exception],
    ) -> None:
        self._locks = locks
        self._move = move
        self._fsync = fsync
        self._run = run
        self._translate = translate
        self._queue: list[_Transition] = []
        self._task: asyncio.Task[None] | None = None
        self._pool: ThreadPoolExecutor | None = None

    async def commit(
        self,
        keys: Iterable[str],
        work: Callable[[Writes], T],
        more_keys: Callable[[], Iterable[str]] | None = None,
    ) -> T:
        """Run ``work`` under the locks of ``keys`` in the next batch; return its result once durable."""
        return await self.submit(keys, work, more_keys)

    def submit(
        self,
        keys: Iterable[str],
        work: Callable[[Writes], T],
        more_keys: Callable[[], Iterable[str]] | None = None,
    ) -> asyncio.Future[T]:
        """:meth:`commit`, queued at once: the future is done when the work's result is durable."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append(_Transition(tuple(keys), work, more_keys, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="group commit")
        return done

    async def close(self) -> None:
        """Wait for the transitions submitted so far, then release the sync threads."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    async def _drain(self) -> None:
        while self._queue:
            batch: list[_Transition] = []
            rest: list[_Transition] = []
            taken: set[str] = set()
            for transition in self._queue:
                if len(batch) < MAX_BATCH and taken.isdisjoint(transition.keys):
                    batch.append(transition)
                    taken.update(transition.keys)
                else:
                    rest.append(transition)
            self._queue = rest
            failure: BaseException | None = None
            try:
                await self._run(self._commit, batch)
            except Exception as exc:
                failure = exc
            for transition in batch:
                if transition.retry and failure is None:
                    transition.retry = False
                    self._queue.append(transition)
                    continue
                self._settle(transition, transition.error or failure)

    def _settle(self, transition: _Transition, error: BaseException | None) -> None:
        if transition.done.done():
            return
        if isinstance(error, OSError):
            error = self._translate(error)
        if error is None:
            transition.done.set_result(transition.result)
        else:
            transition.done.set_exception(error)

    # -- in the committer's thread ------------------------------------------------------------

    def _commit(self, batch: list[_Transition]) -> None:
        keys = [key for transition in batch for key in self._keys_of(transition)]
        with self._locks.hold_all(keys):
            for transition in batch:
                if transition.error is None:
                    self._prepare(transition)
            staged = [item for transition in batch for item in transition.writes.staged]
            touched = self._apply(staged)
        if self._fsync:
            fsync_dirs(touched)

    def _keys_of(self, transition: _Transition) -> list[str]:
        keys = list(transition.keys)
        if transition.more_keys is not None:
            try:
                keys.extend(transition.more_keys())
            except Exception as exc:
                transition.error = exc
        return keys

    def _prepare(self, transition: _Transition) -> None:
        try:
            transition.result = transition.work(transition.writes)
        except Retry:
            transition.writes.discard()
            transition.retry = True
        except Exception as exc:
            transition.writes.discard()
            transition.error = exc

    def _apply(self, staged: list[tuple[StagedFile, str | None]]) -> list[str]:
        """Sync the staged files together, then put each in place; return the folders touched."""
        touched: list[str] = []
        try:
            if self._fsync and staged:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="job-sync")
                datasync_all([file.fd for file, _ in staged], self._pool)
            for file, move_to in staged:
                file.close()
                os.replace(file.temp, file.path)
                touched.append(os.path.dirname(file.path))
                if move_to is not None:
                    self._move(file.path, move_to)
                    touched.append(os.path.dirname(move_to))
        except BaseException:
            for file, _ in staged:
                file.discard()
            raise
        return touched
