"""A fake OpenAI-compatible server that behaves like a small model with an 8,192-token window.

It answers HTTP 400 ``context_length_exceeded`` when prompt and ``max_tokens`` do not fit, cuts replies at
``max_tokens`` with ``finish_reason: "length"``, keeps to ``maxItems`` when a JSON schema is given (as a
grammar-constrained server does), reports its window on ``/v1/models`` (as vLLM does), waits a fixed delay
per call, and answers for what it was shown: every planted span that lies whole in the prompt's text, some
with offsets a few characters off. It counts tokens as a tokenizer roughly would (four ASCII characters,
or one other character, a token) and keeps the totals.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WINDOW = 8192
MODEL = "limited-model"
SHOWN = re.compile(r">>>\n(.*)\n<<<END>>>", re.DOTALL)


def model_tokens(text: str) -> int:
    """The fake model's own count: about four ASCII characters, or one other character, per token."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    return math.ceil(ascii_chars / 4 + (len(text) - ascii_chars))


class LimitedModel:
    """What the server knows: the document, its planted spans (with entity types), and what it was asked."""

    def __init__(self, document: str, spans: dict[str, str], delay: float) -> None:
        self.document = document
        self.spans = spans
        self.numbers = {span: number for number, span in enumerate(spans)}
        self.where = sorted(
            (found.start(), span) for span in spans for found in re.finditer(re.escape(span), document)
        )
        self.delay = delay
        self.lock = threading.Lock()
        self.calls = 0
        self.refused = 0
        self.cut = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.in_flight = 0
        self.most_in_flight = 0

    def reset(self) -> None:
        with self.lock:
            self.calls = self.refused = self.cut = self.prompt_tokens = self.completion_tokens = 0
            self.most_in_flight = 0

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        prompt = body["messages"][0]["content"]
        limit = body.get("max_tokens") or body.get("max_completion_tokens") or 1024
        used = model_tokens(prompt)
        with self.lock:
            self.calls += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
            if used + limit > WINDOW:
                with self.lock:
                    self.refused += 1
                message = (
                    f"This model's maximum context length is {WINDOW} tokens; you requested {used + limit}"
                )
                error = {
                    "message": message,
                    "type": "invalid_request_error",
                    "code": "context_length_exceeded",
                }
                return 400, {"error": error}
            items = self._items(prompt)
            schema = _schema(body)
            if schema is not None:
                cap = schema["properties"]["items"].get("maxItems")
                reply = json.dumps({"items": items[:cap] if cap else items})
            else:
                reply = json.dumps(items)
            finish = "stop"
            if model_tokens(reply) > limit:
                reply, finish = reply[: limit * 4], "length"
                with self.lock:
                    self.cut += 1
            completion = model_tokens(reply)
            with self.lock:
                self.prompt_tokens += used
                self.completion_tokens += completion
            return 200, _completion(reply, finish, used, completion)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _shown_spans(self, text: str) -> list[tuple[int, str]]:
        """The planted spans lying whole in ``text`` (a piece of the document), at offsets in ``text``."""
        offset = self.document.find(text)
        if offset < 0:
            return [
                (found.start(), span) for span in self.spans for found in re.finditer(re.escape(span), text)
            ]
        low = bisect.bisect_left(self.where, (offset, ""))
        shown = []
        for start, span in self.where[low:]:
            if start + len(span) > offset + len(text):
                if start >= offset + len(text):
                    break
                continue
            shown.append((start - offset, span))
        return shown

    def _items(self, prompt: str) -> list[dict[str, Any]]:
        match = SHOWN.search(prompt)
        if match is None:
            return []
        text = match.group(1)
        entities = "entityType" in prompt and "List every mention" in prompt
        items = []
        for at, span in self._shown_spans(text):
            kind = self.spans[span]
            number = self.numbers[span]
            if entities != (kind != "passage"):
                continue
            start = at + (3 if number % 5 == 0 else 0)
            item: dict[str, Any] = {"exact": span}
            keys = ("startOffset", "endOffset") if entities else ("start", "end")
            item[keys[0]], item[keys[1]] = start, start + len(span)
            item["prefix"] = text[max(0, at - 32) : at]
            item["suffix"] = text[at + len(span) : at + len(span) + 32]
            if entities:
                item["entityType"] = kind
            if '"comment"' in prompt:
                item["comment"] = f"Span {number} is worth a note."
            if '"assessment"' in prompt:
                item["assessment"] = f"Span {number} holds up."
            items.append(item)
        return items


def _schema(body: dict[str, Any]) -> dict[str, Any] | None:
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema: dict[str, Any] = response_format["json_schema"]["schema"]
        return schema
    if response_format.get("type") == "json_object" and isinstance(response_format.get("schema"), dict):
        return response_format["schema"]  # type: ignore[no-any-return]
    return None


def _completion(text: str, finish: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-limited",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def serve(model: LimitedModel) -> ThreadingHTTPServer:
    """Start the server on a free port of 127.0.0.1 in a thread; ``server.server_address`` says where."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/stats":
                with model.lock:
                    counts = {
                        "calls": model.calls,
                        "refused": model.refused,
                        "cut": model.cut,
                        "prompt_tokens": model.prompt_tokens,
                        "completion_tokens": model.completion_tokens,
                        "most_in_flight": model.most_in_flight,
                    }
                self._send(200, counts)
            elif self.path == "/reset":
                model.reset()
                self._send(200, {})
            elif self.path.rstrip("/").endswith("/models"):
                self._send(
                    200,
                    {"object": "list", "data": [{"id": MODEL, "object": "model", "max_model_len": WINDOW}]},
                )
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length))
            status, payload = model.answer(body)
            self._send(status, payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    """Serve ``--document`` with the spans of ``--spans`` (JSON: span -> kind); print the port, then serve."""
    parser = argparse.ArgumentParser(description="a fake model with an 8,192-token window")
    parser.add_argument("--document", required=True)
    parser.add_argument("--spans", required=True)
    parser.add_argument("--delay", type=float, default=0.1)
    options = parser.parse_args()
    with open(options.document, encoding="utf-8") as file:
        document = file.read()
    with open(options.spans, encoding="utf-8") as file:
        spans = json.loads(file.read())
    server = serve(LimitedModel(document, spans, options.delay))
    print(server.server_address[1], flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
