"""Where the Semiont backend that stores the annotations can be reached."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

import attrs

from semiont_jobs.ports.errors import ConfigurationError

PUBLIC_URL_SETTING: Final = "workers.public_url"


def _public_url(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(
            PUBLIC_URL_SETTING, "the backend's public URL is missing; annotation ids are built from it"
        )
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(PUBLIC_URL_SETTING, f"{value!r} is not an http(s) URL")
    return url


@attrs.frozen
class BackendSettings:
    """The backend's public URL, from which annotation and resource URIs are built.

    Raises :class:`~semiont_jobs.ports.errors.ConfigurationError` naming
    ``workers.public_url`` when the URL is missing, empty or not http(s).
    """

    public_url: str = attrs.field(converter=_public_url)

    def resource_uri(self, resource_id: str) -> str:
        return f"{self.public_url}/resources/{resource_id}"

    def annotation_uri(self, annotation_id: str) -> str:
        return f"{self.public_url}/annotations/{annotation_id}"
