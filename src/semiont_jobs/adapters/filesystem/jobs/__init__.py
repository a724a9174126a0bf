"""The filesystem job store: one JSON file per job in the reference's folder layout."""

from semiont_jobs.adapters.filesystem.jobs.job_store import FilesystemJobStore

__all__ = ["FilesystemJobStore"]
