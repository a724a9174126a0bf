"""The StatusServer port over the standard library's WSGI server, with prometheus_client's exposition.

Requests are served on a thread of their own, so a stalled event loop still
gets answered, by its health check.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from semiont_jobs.adapters.prometheus.job_metrics import PrometheusJobMetrics
from semiont_jobs.ports.errors import ConfigurationError
from semiont_jobs.ports.status_server import HealthCheck

StartResponse = Callable[..., Any]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Probes and scrapes come every few seconds: not logged."""


def _server_class(host: str, port: int) -> type[WSGIServer]:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        address_family = family

    return Server


class PrometheusStatusServer:
    """Serves ``GET /health`` from ``health`` and ``GET /metrics`` from ``metrics``' registry.

    ``/health`` answers 200 with ``{"status": "ok"}`` while ``health()`` reports
    healthy and 503 with ``{"status": "unhealthy", "reason": ...}`` otherwise; any
    other path is 404. ``port`` 0 takes a free port (see :attr:`url`). Listens on
    ``host`` (127.0.0.1 by default).
    """

    def __init__(
        self, metrics: PrometheusJobMetrics, health: HealthCheck, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._metrics_app = make_wsgi_app(metrics.registry)
        self._health = health
        self.host = host
        self.port = port
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        port = self._server.server_port if self._server is not None else self.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}"

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            body: Iterable[bytes] = self._metrics_app(environ, start_response)
            return body
        if path != "/health":
            return _reply(
                start_response, "404 Not Found", {"status": "not found", "paths": ["/health", "/metrics"]}
            )
        try:
            report = self._health()
        except Exception as exc:
            return _reply(
                start_response, "503 Service Unavailable", {"status": "unhealthy", "reason": repr(exc)}
            )
        if report.healthy:
            return _reply(start_response, "200 OK", {"status": "ok"})
        return _reply(
            start_response, "503 Service Unavailable", {"status": "unhealthy", "reason": report.reason}
        )

    async def open(self) -> None:
        if self._server is not None:
            return
        try:
            server = make_server(
                self.host, self.port, self._app, _server_class(self.host, self.port), handler_class=_Quiet
            )
        except OSError as exc:
            reason = f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            setting = "workers.health_host" if isinstance(exc, socket.gaierror) else "workers.health_port"
            raise ConfigurationError(setting, reason) from exc
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="semiont-jobs status", daemon=True)
        self._thread.start()

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        await asyncio.to_thread(server.shutdown)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _reply(start_response: StartResponse, status: str, document: dict[str, Any]) -> list[bytes]:
    body = json.dumps(document).encode("utf-8") + b"\n"
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
