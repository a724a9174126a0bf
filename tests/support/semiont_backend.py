"""A fake Semiont backend on 127.0.0.1 serving resource contents, as the HTTP fetcher reads them.

Like a real REST backend it answers more than the resource URLs: the collection
(``/api/resources``, with or without its slash) lists the resources, and ``/api/``
describes the API; so a fetcher whose URL for an id leaves the resource path gets bytes
that are not the resource.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from semiont_jobs import ResourceId

PREFIX = "/api/resources/"


@contextmanager
def semiont_backend(
    contents: Mapping[ResourceId, bytes], broken: frozenset[ResourceId] = frozenset()
) -> Iterator[str]:
    """Serve ``contents`` by id (a 500 for the ids in ``broken``); yields the API's base URL."""

    class Backend(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            resource_id = ResourceId(unquote(path[len(PREFIX) :])) if path.startswith(PREFIX) else None
            if path in ("/api/resources", "/api/resources/"):
                self._send(200, json.dumps({"resources": sorted(contents)}).encode(), "application/json")
            elif path in ("/api", "/api/"):
                self._send(200, b'{"name": "semiont", "version": "0.2.46"}', "application/json")
            elif resource_id in broken:
                self._send(500, b"storage failure", "text/plain")
            elif resource_id is not None and resource_id in contents:
                self._send(200, contents[resource_id], "application/octet-stream")
            else:
                self._send(404, b"not found", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
