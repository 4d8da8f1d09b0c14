"""Helpers for the tests of onex_support, the package codegen-ast writes into every
output folder: its source folder on sys.path (so it is imported by its real name,
as in an output folder), a database of its own, a scripted HTTP server, log and
bus readers.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest

SUPPORT_ROOT = Path(__file__).resolve().parents[2] / "codegen_ast" / "support"
# a hand-written node package in the declarative shape (node_cart_reducer)
PACKAGES = Path(__file__).resolve().parent / "packages"
for folder in (SUPPORT_ROOT, PACKAGES):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from tests.services import PostgresServer  # noqa: E402

# A value no log line may ever hold: tests put it in requests.
SECRET = "s3cr3t-4111111111111111"


# --------------------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class Database:
    """A database of its own on the session's PostgreSQL server."""

    server: PostgresServer
    name: str

    @property
    def dsn(self) -> str:
        return self.server.dsn.rsplit("/", 1)[0] + "/" + self.name

    async def admin(self) -> asyncpg.Connection:
        """A superuser connection (over the server's socket) to this database."""
        return await asyncpg.connect(
            host=str(self.server.socket_dir), port=self.server.port, user="postgres", database=self.name
        )

    async def connect(self) -> asyncpg.Connection:
        """A connection as the test user, like the pool's."""
        return await asyncpg.connect(self.dsn)


# --------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: object = None  # JSON; bytes as they are; None: {"ok": true}
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the status line
    dribble_s: float = 0.0  # between single bytes of the body


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class HttpStandIn:
    """A real HTTP server on 127.0.0.1 standing in for the APIs a node calls: it
    records each request and answers the next scripted Answer for its path
    (``route`` prefix match), else 200 ``{"ok": true}``."""

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
                answer = stand_in._take(self.command, self.path, dict(self.headers.items()), body)
                time.sleep(answer.delay_s)
                if answer.body is None:
                    payload = b'{"ok": true}'
                elif isinstance(answer.body, bytes):
                    payload = answer.body
                else:
                    payload = json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if answer.dribble_s:
                        for byte in payload:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(answer.dribble_s)
                    else:
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _take(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        with self._lock:
            self.received.append(Received(method, path, headers, body))
            for prefix, answers in self._scripts.items():
                if f"{method} {path}".startswith(prefix) and answers:
                    return answers.pop(0)
        return Answer()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, prefix: str, *answers: Answer) -> None:
        """Answer the next requests whose ``METHOD path`` starts with ``prefix``."""
        with self._lock:
            self._scripts[prefix] = list(answers)

    def calls(self, prefix: str = "") -> list[Received]:
        with self._lock:
            return [r for r in self.received if f"{r.method} {r.path}".startswith(prefix)]

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self.received.clear()

    def __enter__(self) -> HttpStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------- logs


def onex_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The structured lines onex_support emitted (the framework's "omnibase" logger)."""
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == "omnibase"]


def assert_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    """No log record of any logger holds SECRET, in its message or its exception."""
    for record in caplog.records:
        text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        assert SECRET not in text, f"{record.name} {record.levelname}: {text[:300]}"


# --------------------------------------------------------------------------- bus


async def published(event_bus: Any, topic: str) -> list[dict[str, Any]]:
    """The envelopes published on ``topic``, decoded."""
    return [json.loads(message.value) for message in await event_bus.get_event_history(topic=topic)]
