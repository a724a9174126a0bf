"""Filesystem adapters: a data directory shared by processes (and by the reference's Node backend)."""

from semiont_jobs.adapters.filesystem.content_fetcher import FilesystemContentFetcher
from semiont_jobs.adapters.filesystem.event_bus import FilesystemEventBus
from semiont_jobs.adapters.filesystem.job_store import FilesystemJobStore
from semiont_jobs.adapters.filesystem.print_events import print_events

__all__ = ["FilesystemContentFetcher", "FilesystemEventBus", "FilesystemJobStore", "print_events"]
