"""A STAND-IN for an OpenAI-compatible chat-completions endpoint.

Tests of the chat provider and of ``--fill llm`` must not reach the network, so
this small local HTTP server speaks ``POST /v1/chat/completions``: it answers
from a script of replies (an answer, an HTTP error, or silence longer than the
client's timeout) and records every request it was sent, headers included.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOCALHOST = "127.0.0.1"


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # the assistant's answer (status 200)
    body: str | None = None  # a raw body instead (errors)
    delay_s: float = 0.0  # wait before answering (a hang, for timeouts)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ChatRequest:
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]


class ChatStandIn:
    """Answers with the scripted replies in order; when the script is empty, with ``default``."""

    def __init__(self, default: str = "return None", answer: Callable[[dict[str, Any]], str] | None = None) -> None:
        self.default = default
        self.answer = answer  # when set, the unscripted reply is answer(request payload)
        self.script: list[Reply] = []
        self.requests: list[ChatRequest] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://{LOCALHOST}:{self._server.server_address[1]}/v1"

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def _next(self, payload: dict[str, Any]) -> Reply:
        if self.script:
            return self.script.pop(0)
        return Reply(content=self.answer(payload) if self.answer else self.default)

    @contextmanager
    def running(self) -> Iterator[ChatStandIn]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                payload = json.loads(raw) if raw else {}
                stand_in.requests.append(ChatRequest(self.path, dict(self.headers.items()), payload))
                reply = stand_in._next(payload)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if self.path != "/v1/chat/completions":
                    reply = Reply(status=404, body='{"error": "unknown path"}')
                if reply.body is not None:
                    body = reply.body.encode()
                else:
                    body = json.dumps(
                        {
                            "id": f"chatcmpl-standin-{len(stand_in.requests)}",
                            "object": "chat.completion",
                            "model": payload.get("model", "stand-in"),
                            "choices": [
                                {"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply.content}}
                            ],
                        }
                    ).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (its timeout): nothing to answer

        self._server = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)
