"""A local HTTP server that plays queued provider outcomes, one per request, and records each request.

Besides the provider's API it answers lookups (a model list, a server's properties) from
replies set with :meth:`FakeProviderServer.answer`, refuses request fields set with
:meth:`FakeProviderServer.refuse`, and counts the requests in flight at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs

from semiont_jobs.domain.vocabulary import JsonObject
from semiont_jobs.ports.inference_client import StopReason
from semiont_jobs.testing.outcomes import Failure, Garbled, Hang, Outcome, Refusal, Reply, TooLong


@attrs.frozen
class RecordedRequest:
    """One request the server received: when, where, its headers (names lower-cased) and JSON body."""

    at: float
    path: str
    headers: Mapping[str, str]
    body: Any
    method: str = "POST"


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
class RequestedFormat:
    """The JSON shape a request asked its reply to keep to, and how it asked (``form``)."""

    form: str
    name: str
    schema: JsonObject


@attrs.frozen
class LimitReport:
    """One way a provider's servers report a model's limits: the lookup replies that say a context
    window of ``window`` tokens, and the reply limit they say (None when they say none)."""

    name: str
    replies: Callable[[str, int], Mapping[tuple[str, str], HttpReply]]
    """(model, window) → the replies, by (method, path)."""
    max_output_tokens: Callable[[int], int | None] = lambda window: None


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
    too_long: Mapping[str, HttpReply] = attrs.field(factory=dict)
    """How the provider's servers say a prompt is too long for the context window, by server."""
    requested_format: Callable[[Any], RequestedFormat | None] = lambda body: None
    """The JSON shape a request body asked for, if any."""
    format_field: str = ""
    """The request field that asks for a shape, which a server without structured output refuses."""
    limit_reports: tuple[LimitReport, ...] = ()
    endpoint: str = ""
    """The path of the API this wire plays; a request elsewhere is a lookup (every POST, when empty)."""


class FakeProviderServer:
    """Serves ``wire`` on 127.0.0.1 until :meth:`close` (or the end of a ``with`` block).

    A request without ``Authorization: Bearer <api_key>`` gets a 401, one that the wire
    finds fault with or that has no outcome queued gets a 400. ``requests`` holds the
    requests to the API, ``lookups`` the others; ``peak_in_flight`` is the most API
    requests it held at once.
    """

    def __init__(self, wire: Wire, api_key: str) -> None:
        self.wire = wire
        self.requests: list[RecordedRequest] = []
        self.lookups: list[RecordedRequest] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._outcomes: list[Outcome] = []
        self._lookup_replies: dict[tuple[str, str], HttpReply | Hang] = {}
        self._refused: dict[str, HttpReply] = {}
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

    def answer(self, method: str, path: str, reply: HttpReply | Hang) -> None:
        """Answer every ``method`` request to ``path`` (outside the API) with ``reply``, or never."""
        with self._lock:
            self._lookup_replies[(method.upper(), path)] = reply

    def forget_answers(self) -> None:
        with self._lock:
            self._lookup_replies.clear()

    def refuse(self, field: str, status: int = 400, message: str | None = None) -> None:
        """Refuse every API request whose body holds ``field`` (dotted, as ``response_format.type``),
        with ``status`` and a message naming it; the refusal consumes no queued outcome."""
        said = message or f"{field}: this server does not support it"
        self._refused[field] = self.wire.render_error(status, said, {})

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

    def _lookup(self, request: RecordedRequest) -> HttpReply | None:
        with self._lock:
            self.lookups.append(request)
            reply = self._lookup_replies.get((request.method, request.path))
        if isinstance(reply, Hang):
            self._released.wait(timeout=30)
            return None
        return reply or self._render_error(404, f"no route {request.method} {request.path}", {})

    def _is_lookup(self, method: str, path: str) -> bool:
        with self._lock:
            known = (method, path) in self._lookup_replies
        return method != "POST" or known or bool(self.wire.endpoint and path != self.wire.endpoint)

    def _answer(self, request: RecordedRequest) -> HttpReply | None:
        refused = [reply for field, reply in self._refused.items() if _holds(request.body, field)]
        with self._lock:
            self.requests.append(request)
            outcome = None if refused else self._outcomes.pop(0) if self._outcomes else None
        if request.headers.get("authorization") != f"Bearer {self._api_key}":
            return self._render_error(401, "invalid API key", {})
        if refused:
            return refused[0]
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
        if isinstance(outcome, TooLong):
            return self.wire.too_long[outcome.variant or next(iter(self.wire.too_long))]
        if isinstance(outcome, Reply) and outcome.delay:
            self._released.wait(timeout=outcome.delay)
        return self._render(outcome, request)

    def _held(self, request: RecordedRequest) -> HttpReply | None:
        """The reply to an API request, counted in flight while it is prepared."""
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return self._answer(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = RecordedRequest(time.monotonic(), self.path, headers, body, self.command)
                if server._is_lookup(self.command, self.path):
                    reply = server._lookup(request)
                else:
                    reply = server._held(request)
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


def _holds(body: Any, field: str) -> bool:
    """Whether ``body`` has the dotted ``field`` (``response_format.json_schema.strict``), not null."""
    for name in field.split("."):
        if not isinstance(body, dict) or body.get(name) is None:
            return False
        body = body[name]
    return True
