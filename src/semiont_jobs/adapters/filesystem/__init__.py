"""Filesystem adapters: state kept in a data directory that several processes share."""

from semiont_jobs.adapters.filesystem.content_fetcher import FilesystemContentFetcher
from semiont_jobs.adapters.filesystem.event_bus import FilesystemEventBus
from semiont_jobs.adapters.filesystem.print_events import print_events

__all__ = ["FilesystemContentFetcher", "FilesystemEventBus", "print_events"]
