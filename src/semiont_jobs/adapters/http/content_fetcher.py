"""Resource contents fetched from a Semiont backend over HTTP."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from semiont_jobs.domain.ids import ResourceId
from semiont_jobs.ports.errors import ConfigurationError, ContentError, ResourceNotFoundError

ACCEPT = "text/plain, text/markdown;q=0.9, text/*;q=0.8, */*;q=0.1"
_PATH_IDS = ("", ".", "..")
"""Ids that, even quoted, would make the URL name the collection or what is above it."""


class HttpContentFetcher:
    """``GET <base_url>/resources/<id>`` with a bearer token; 404 is ResourceNotFoundError.

    One HTTP client (and its pool of connections) serves every fetch, from :meth:`open`
    or the first fetch until :meth:`close`; a fetch after ``close`` starts a new one.
    """

    def __init__(self, base_url: str | None, token: str | None = None, *, timeout: float = 30.0) -> None:
        if not base_url:
            raise ConfigurationError("content.url", "the Semiont backend URL is required for http content")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        return f"HttpContentFetcher({self.base_url!r})"

    async def open(self) -> None:
        """Create the HTTP client (no connection is made before the first fetch)."""
        self._opened()

    async def close(self) -> None:
        """Close the client's connections; idempotent."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _opened(self) -> httpx.AsyncClient:
        if self._client is None:
            headers = {"Accept": ACCEPT}
            if self._token:
                headers["Authorization"] = f"Bearer {self._token}"
            self._client = httpx.AsyncClient(timeout=self._timeout, headers=headers)
        return self._client

    async def fetch(self, resource_id: ResourceId) -> bytes:
        if resource_id in _PATH_IDS:
            raise ResourceNotFoundError(resource_id, f"{self.base_url} (not a valid resource id)")
        url = f"{self.base_url}/resources/{quote(resource_id, safe='')}"
        try:
            response = await self._opened().get(url)
        except httpx.HTTPError as exc:
            raise ContentError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 404:
            raise ResourceNotFoundError(resource_id, self.base_url)
        if response.status_code >= 400:
            raise ContentError(f"GET {url} answered {response.status_code}")
        return response.content
