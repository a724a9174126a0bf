"""Resource contents read from a directory of files."""

from __future__ import annotations

import re
from pathlib import Path

import aiofiles

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.errors import ContentError, ResourceNotFoundError

_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,200}")


class FilesystemContentFetcher:
    """Serves ``<directory>/<resourceId>``, or the one file named ``<resourceId>.<extension>``.

    Resource ids that could leave the directory (separators, ``..``) are not found.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, resource_id: ResourceId) -> Path:
        if _SAFE_ID.fullmatch(resource_id) is None or resource_id in (".", ".."):
            raise ResourceNotFoundError(resource_id, f"{self.directory} (not a valid resource id)")
        exact = self.directory / resource_id
        if exact.is_file():
            return exact
        candidates = sorted(p for p in self.directory.glob(f"{resource_id}.*") if p.is_file())
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            names = ", ".join(p.name for p in candidates)
            raise ContentError(f"resource {resource_id!r} is ambiguous in {self.directory}: {names}")
        raise ResourceNotFoundError(resource_id, str(self.directory))

    async def fetch(self, resource_id: ResourceId) -> bytes:
        path = self._path(resource_id)
        try:
            async with aiofiles.open(path, "rb") as file:
                return await file.read()
        except FileNotFoundError as exc:
            raise ResourceNotFoundError(resource_id, str(self.directory)) from exc
        except OSError as exc:
            raise ContentError(f"cannot read resource {resource_id!r} at {path}: {exc.strerror}") from exc
