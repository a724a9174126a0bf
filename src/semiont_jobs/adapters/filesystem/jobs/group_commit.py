"""Group commit: job transitions that arrive together share one durability pass.

A transition is a piece of blocking work that reads job files and stages the
files it writes (:class:`Writes`). Transitions submitted while a batch is being
committed form the next batch, which one thread commits as follows: every lock
the batch needs is taken (in one order, so committers in other processes cannot
deadlock with it); each transition's work runs and stages its files; all staged
files are synced together (concurrent ``fdatasync``); they are put in place
(through :class:`SpareFiles`) and moved to their new folders; the locks are let
go. Then each folder touched is fsynced once, while the next batch is already
being written, and every caller is released, never before the callers of an
earlier batch. So a transition that has returned
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
from semiont_jobs.adapters.filesystem.jobs.spare_files import SpareFiles
from semiont_jobs.adapters.helpers.durable_files import StagedFile, datasync_all, fsync_dirs

T = TypeVar("T")

MAX_BATCH = 64
"""Transitions committed together at most; more wait for the next batch."""
SYNC_THREADS = 16


class Writes:
    """The files one transition writes, staged until its batch commits them."""

    def __init__(self, spares: SpareFiles) -> None:
        self.staged: list[tuple[StagedFile, str | None]] = []
        self._spares = spares

    def put(self, path: str, data: bytes, *, move_to: str | None = None) -> int:
        """Replace ``path`` by ``data`` (then rename it to ``move_to``); return the new file's inode."""
        staged = self._spares.stage(path, data)
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
    writes: Writes
    result: Any = None
    error: BaseException | None = None
    retry: bool = False


RunBlocking = Callable[..., Awaitable[Any]]


class GroupCommitter:
    """Commits transitions in batches (see the module's docstring).

    ``keys`` name the locks a transition needs (job ids); two transitions that share
    a key never share a batch, so each sees the other's files. ``more_keys`` is
    asked, in the committer's thread before locking, for locks known only by reading.
    ``move(source, target)`` renames a file into another folder; new content is written
    to ``spares`` and put in place by them. ``run`` runs blocking
    work off the event loop; ``translate`` turns a transition's ``OSError`` into the
    store's error. With ``fsync`` off, nothing is synced.
    """

    def __init__(
        self,
        locks: JobLocks,
        move: Callable[[str, str], None],
        spares: SpareFiles,
        *,
        fsync: bool,
        run: RunBlocking,
        translate: Callable[[OSError], Exception],
    ) -> None:
        self._locks = locks
        self._move = move
        self._spares = spares
        self._fsync = fsync
        self._run = run
        self._translate = translate
        self._queue: list[_Transition] = []
        self._task: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()
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
        self._queue.append(_Transition(tuple(keys), work, more_keys, done, Writes(self._spares)))
        self._arrived.set()
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
        syncing: asyncio.Task[None] | None = None
        try:
            while self._queue or (syncing is not None and not syncing.done()):
                if not self._queue:
                    await self._arrival_or(syncing)
                    continue
                batch = self._next_batch()
                failure: BaseException | None = None
                touched: list[str] = []
                try:
                    touched = await self._run(self._commit, batch)
                except Exception as exc:
                    failure = exc
                settled = [transition for transition in batch if not self._retried(transition, failure)]
                syncing = asyncio.create_task(self._release(settled, touched, failure, syncing))
        finally:
            if syncing is not None:
                await syncing

    async def _arrival_or(self, syncing: asyncio.Task[None] | None) -> None:
        """Wait for a new transition or for ``syncing`` to end, whichever comes first."""
        self._arrived.clear()
        arrival = asyncio.ensure_future(self._arrived.wait())
        await asyncio.wait({arrival, *([syncing] if syncing else [])}, return_when=asyncio.FIRST_COMPLETED)
        arrival.cancel()

    def _next_batch(self) -> list[_Transition]:
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
        return batch

    def _retried(self, transition: _Transition, failure: BaseException | None) -> bool:
        if transition.retry and failure is None:
            transition.retry = False
            self._queue.append(transition)
            return True
        return False

    async def _release(
        self,
        batch: list[_Transition],
        touched: list[str],
        failure: BaseException | None,
        before: asyncio.Task[None] | None,
    ) -> None:
        """Sync the batch's folders (while the next batch is prepared), then release its callers
        once every earlier batch's have been: a caller never sees a state less durable than its own."""
        if failure is None and self._fsync and touched:
            try:
                await self._run(fsync_dirs, touched)
            except Exception as exc:
                failure = exc
        if before is not None:
            await before
        for transition in batch:
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

    def _commit(self, batch: list[_Transition]) -> list[str]:
        """Run the batch's work under its locks and put its files in place; return the folders
        touched and still to be synced."""
        keys = [key for transition in batch for key in self._keys_of(transition)]
        with self._locks.hold_all(keys):
            for transition in batch:
                if transition.error is None:
                    self._prepare(transition)
            staged = [item for transition in batch for item in transition.writes.staged]
            touched = self._apply(staged)
        if self._fsync and not self._queue:  # nothing to write meanwhile: sync here, saving a hand-off
            fsync_dirs(touched)
            return []
        return touched

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
                self._spares.install(file)
                touched.append(os.path.dirname(file.path))
                if move_to is not None:
                    self._move(file.path, move_to)
                    touched.append(os.path.dirname(move_to))
        except BaseException:
            for file, _ in staged:
                file.discard()
            raise
        return touched
