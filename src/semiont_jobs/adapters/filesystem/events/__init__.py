"""The filesystem event bus: a segmented, append-only log of JSON lines shared by processes."""

from semiont_jobs.adapters.filesystem.events.event_bus import FilesystemEventBus

__all__ = ["FilesystemEventBus"]
