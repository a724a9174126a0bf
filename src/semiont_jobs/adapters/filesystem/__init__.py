"""Filesystem adapters: a data directory shared by processes (and by the reference's Node backend).

``jobs`` holds the job store, ``events`` the durable event log; the content fetcher reads resource files.
"""

from semiont_jobs.adapters.filesystem.content_fetcher import FilesystemContentFetcher
from semiont_jobs.adapters.filesystem.events import FilesystemEventBus
from semiont_jobs.adapters.filesystem.jobs import FilesystemJobStore

__all__ = ["FilesystemContentFetcher", "FilesystemEventBus", "FilesystemJobStore"]
