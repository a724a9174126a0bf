"""Content from a directory and from a Semiont backend over HTTP."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from semiont_jobs import ConfigurationError, ResourceId, ResourceNotFoundError
from semiont_jobs.adapters.filesystem import FilesystemContentFetcher
from semiont_jobs.adapters.http import HttpContentFetcher
from semiont_jobs.ports.errors import ContentError


async def test_directory_serves_exact_name_and_single_extension(tmp_path: Path) -> None:
    (tmp_path / "doc-1").write_text("plain", encoding="utf-8")
    (tmp_path / "doc-2.md").write_text("# markdown ✓", encoding="utf-8")
    fetcher = FilesystemContentFetcher(tmp_path)
    assert await fetcher.fetch(ResourceId("doc-1")) == b"plain"
    assert (await fetcher.fetch(ResourceId("doc-2"))).decode() == "# markdown ✓"


@pytest.mark.parametrize("resource_id", ["missing", "../secret", "a/b", "..", ""])
async def test_directory_missing_or_escaping_ids_are_not_found(tmp_path: Path, resource_id: str) -> None:
    (tmp_path.parent / "secret").write_text("nope")
    with pytest.raises(ResourceNotFoundError) as error:
        await FilesystemContentFetcher(tmp_path / "res").fetch(ResourceId(resource_id))
    assert error.value.resource_id == resource_id


async def test_directory_ambiguous_extensions_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("a")
    (tmp_path / "doc.txt").write_text("b")
    with pytest.raises(ContentError, match="ambiguous"):
        await FilesystemContentFetcher(tmp_path).fetch(ResourceId("doc"))


class _Backend(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]] = []  # noqa: RUF012

    def do_GET(self) -> None:
        _Backend.seen.append((self.path, self.headers.get("Authorization")))
        if self.path == "/api/resources/doc-1":
            body = b"Ada Lovelace wrote the first program."
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/api/resources/boom":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free 127.0.0.1 port; yields ``http://127.0.0.1:<port>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def backend_url() -> Iterator[str]:
    with serving(_Backend) as url:
        yield f"{url}/api/"


async def test_http_fetch_sends_the_bearer_token(backend_url: str) -> None:
    _Backend.seen.clear()
    fetcher = HttpContentFetcher(backend_url, "tok-123")
    assert await fetcher.fetch(ResourceId("doc-1")) == b"Ada Lovelace wrote the first program."
    assert _Backend.seen == [("/api/resources/doc-1", "Bearer tok-123")]
    assert "tok-123" not in repr(fetcher)


async def test_http_404_is_not_found_and_500_is_a_content_error(backend_url: str) -> None:
    fetcher = HttpContentFetcher(backend_url)
    with pytest.raises(ResourceNotFoundError):
        await fetcher.fetch(ResourceId("nope"))
    with pytest.raises(ContentError, match="500"):
        await fetcher.fetch(ResourceId("boom"))


async def test_http_unreachable_backend_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="cannot reach"):
        await HttpContentFetcher("http://127.0.0.1:9", timeout=2).fetch(ResourceId("x"))


def test_http_needs_a_url() -> None:
    with pytest.raises(ConfigurationError, match=r"content\.url"):
        HttpContentFetcher("")


class _KeepAliveBackend(BaseHTTPRequestHandler):
    """Serves every resource over HTTP/1.1 keep-alive and counts the connections it accepted."""

    protocol_version = "HTTP/1.1"
    connections = 0

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def do_GET(self) -> None:
        body = self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def keep_alive_url() -> Iterator[str]:
    _KeepAliveBackend.connections = 0
    with serving(_KeepAliveBackend) as url:
        yield f"{url}/api"


async def test_http_fetches_share_one_client_until_close(keep_alive_url: str) -> None:
    fetcher = HttpContentFetcher(keep_alive_url, "tok")
    await fetcher.open()
    try:
        for name in ("a", "b", "c", "d"):
            assert await fetcher.fetch(ResourceId(name)) == f"/api/resources/{name}".encode()
        assert _KeepAliveBackend.connections == 1
    finally:
        await fetcher.close()
    assert await fetcher.fetch(ResourceId("e")) == b"/api/resources/e"
    assert _KeepAliveBackend.connections == 2, "close() must release the connection"
    await fetcher.close()
    await fetcher.close()
