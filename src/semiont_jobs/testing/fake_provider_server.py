"""A local HTTP server that plays queued provider outcomes, one per request, and records each request."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs

from semiont_jobs.ports.inference_client import StopReason
from semiont_jobs.testing.outcomes import Failure, Garbled, Hang, Outcome, Refusal, Reply


@attrs.frozen
class RecordedRequest:
    """One request the server received: when, where, its headers (names lower-cased) and JSON body."""

    at: float
    path: str
    headers: Mapping[str, str]
    body: Any


@attrs.frozen
class HttpReply:
    status: int
    body: bytes
    headers: Mapping[str, str] = attrs.field(factory=dict)


def json_reply(status: int, payload: object, headers: Mapping[str, str] | None = None) -> HttpReply:
    return HttpReply(status, json.dumps(payload).encode(), dict(headers or {}))


Validate = Callable[[RecordedRequest], str | None]
"""What makes the provider refuse a request (400), or None when it would accept it."""
Render = Callable[[Reply | Refusal, RecordedRequest], HttpReply]
"""The provider's answer to a request."""
RenderError = Callable[[int, str, Mapping[str, str]], HttpReply]
"""The provider's error reply with this status, message and headers."""


@attrs.frozen
class Wire:
    """One provider's HTTP API, as a fake server speaks it."""

    name: str
    api_path: str
    """What a client's base URL adds to the server's URL (``""`` or ``"/v1"``)."""
    validate: Validate
    render: Render
    render_error: RenderError
    requested: Callable[[Any], dict[str, Any]]
    """The model, prompt, token limit and temperature a request body asked for (None where absent)."""
    stop_terms: tuple[tuple[str, StopReason], ...]
    """The provider's stop terms and the port's stop reason each must come back as."""


class FakeProviderServer:
    """Serves ``wire`` on 127.0.0.1 until :meth:`close` (or the end of a ``with`` block).

    A request without ``Authorization: Bearer <api_key>`` gets a 401, one that the wire
    finds fault with or that has no outcome queued gets a 400.
    """

    def __init__(self, wire: Wire, api_key: str) -> None:
        self.wire = wire
        self.requests: list[RecordedRequest] = []
        self._outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._api_key = api_key
        self._validate, self._render, self._render_error = wire.validate, wire.render, wire.render_error
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """The base URL a client of this wire is given."""
        return self.url + self.wire.api_path

    def queue(self, *outcomes: Outcome) -> None:
        with self._lock:
            self._outcomes.extend(outcomes)

    def close(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeProviderServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _answer(self, request: RecordedRequest) -> HttpReply | None:
        with self._lock:
            self.requests.append(request)
            outcome = self._outcomes.pop(0) if self._outcomes else None
        if request.headers.get("authorization") != f"Bearer {self._api_key}":
            return self._render_error(401, "invalid API key", {})
        problem = self._validate(request)
        if problem is not None:
            return self._render_error(400, problem, {})
        if outcome is None:
            return self._render_error(400, f"fake server has no outcome for request {len(self.requests)}", {})
        if isinstance(outcome, Failure):
            headers = {} if outcome.retry_after is None else {"retry-after": str(outcome.retry_after)}
            return self._render_error(outcome.status, outcome.message, headers)
        if isinstance(outcome, Hang):
            self._released.wait(timeout=30)
            return None
        if isinstance(outcome, Garbled):
            return HttpReply(200, outcome.body, {"content-type": "application/json"})
        return self._render(outcome, request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                headers = {name.lower(): value for name, value in self.headers.items()}
                reply = server._answer(RecordedRequest(time.monotonic(), self.path, headers, body))
                if reply is None:
                    return
                self.send_response(reply.status)
                for name, value in {"content-type": "application/json", **reply.headers}.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
