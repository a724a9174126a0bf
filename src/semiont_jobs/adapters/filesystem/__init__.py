"""Filesystem adapters: state kept in a data directory that several processes share."""

from semiont_jobs.adapters.filesystem.event_bus import FilesystemEventBus

__all__ = ["FilesystemEventBus"]
