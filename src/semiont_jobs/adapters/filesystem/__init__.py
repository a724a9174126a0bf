"""Filesystem adapters: a data directory shared by processes (and by the reference's Node backend)."""

from semiont_jobs.adapters.filesystem.job_store import FilesystemJobStore

__all__ = ["FilesystemJobStore"]
