"""A real HTTP server on 127.0.0.1 standing in for the APIs a node calls: it records
every request and answers the next scripted answer for its ``METHOD path`` prefix,
else 200 ``{}``."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Answer", "HttpStandIn", "Received"]


@dataclass(frozen=True)
class Answer:
    """What the stand-in answers: a status and a JSON body."""

    status: int = 200
    body: object = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    """One request the stand-in received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The request's body, decoded from JSON (None when empty)."""
        return json.loads(self.body) if self.body else None

    @property
    def route(self) -> str:
        """The path without its query."""
        return urlsplit(self.path).path

    def query(self) -> dict[str, str]:
        """The query parameters (the last value of each)."""
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

    def header(self, name: str) -> str:
        """A header's value, its name in any case ("" when it was not sent)."""
        found = {key.lower(): value for key, value in self.headers.items()}
        return found.get(name.lower(), "")


class HttpStandIn:
    """Start with ``with HttpStandIn() as api:``; ``api.url`` is its base URL."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._scripts: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = stand_in._take(
                    self.command, self.path, dict(self.headers.items()), body
                )
                payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _take(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        with self._lock:
            self.received.append(Received(method, path, headers, body))
            for prefix, answers in self._scripts.items():
                if f"{method} {path}".startswith(prefix) and answers:
                    return answers.pop(0) if len(answers) > 1 else answers[0]
        return Answer()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, prefix: str, *answers: Answer) -> None:
        """Answer requests whose ``METHOD path`` starts with ``prefix`` with
        ``answers`` in turn, the last one again and again."""
        with self._lock:
            self._scripts[prefix] = list(answers)

    def calls(self, prefix: str = "") -> list[Received]:
        """The requests received whose ``METHOD path`` starts with ``prefix``, in order."""
        with self._lock:
            return [
                r for r in self.received if f"{r.method} {r.path}".startswith(prefix)
            ]

    def reset(self) -> None:
        """Forget every script and every request received."""
        with self._lock:
            self._scripts.clear()
            self.received.clear()

    def __enter__(self) -> "HttpStandIn":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
