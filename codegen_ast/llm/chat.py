"""An OpenAI-compatible chat-completions endpoint, configured by environment variables.

``CODEGEN_AST_LLM_BASE_URL`` (e.g. ``https://api.openai.com/v1``; the request
goes to ``<base>/chat/completions``), ``CODEGEN_AST_LLM_MODEL``,
``CODEGEN_AST_LLM_API_KEY`` (optional: sent as a bearer token),
``CODEGEN_AST_LLM_TIMEOUT_S`` (60 per attempt), ``CODEGEN_AST_LLM_RETRIES``
(2 more attempts after a timeout, a connection error, 408, 409, 429 or 5xx,
with exponential backoff from ``CODEGEN_AST_LLM_BACKOFF_S`` = 1, at most 10 s,
or the server's ``Retry-After`` up to that), ``CODEGEN_AST_LLM_RECORD`` (a
fixture file each exchange is added to, for replay with ``--llm-fixture``).

The key never reaches a log line, an error message or a recording: it lives in
the request header only, and any echo of it in an answer is masked.

The standard library's urllib does the HTTP: the generator gains no dependency.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen_ast.llm.exchange import Completion, CompletionRequest, LLMError, completion_text
from codegen_ast.llm.fixture import append_recording, recording_for

PREFIX = "CODEGEN_AST_LLM_"
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 10.0
_EXCERPT = 300  # characters of an error answer worth showing

log = logging.getLogger("codegen_ast.llm")


@dataclass(frozen=True)
class ChatSettings:
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = 60.0
    retries: int = 2
    backoff_s: float = 1.0
    record: Path | None = None

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> ChatSettings | None:
        """The settings in ``environ``; None when no endpoint is configured."""
        base_url = environ.get(PREFIX + "BASE_URL", "").strip()
        if not base_url:
            return None
        if not base_url.startswith(("http://", "https://")):
            raise LLMError(f"{PREFIX}BASE_URL must start with http:// or https://, e.g. https://api.openai.com/v1")
        model = environ.get(PREFIX + "MODEL", "").strip()
        if not model:
            raise LLMError(f"{PREFIX}BASE_URL is set but {PREFIX}MODEL is not: name the model to ask")
        record = environ.get(PREFIX + "RECORD", "").strip()
        return cls(
            base_url=base_url,
            model=model,
            api_key=environ.get(PREFIX + "API_KEY") or None,
            timeout_s=_number(environ, "TIMEOUT_S", 60.0, float),
            retries=_number(environ, "RETRIES", 2, int),
            backoff_s=_number(environ, "BACKOFF_S", 1.0, float),
            record=Path(record) if record else None,
        )


def _number[N: (int, float)](environ: Mapping[str, str], key: str, default: N, kind: Callable[[str], N]) -> N:
    raw = environ.get(PREFIX + key)
    if raw is None or not raw.strip():
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise LLMError(f"{PREFIX}{key}={raw!r} is not a number: use e.g. {default}") from None
    if value < 0:
        raise LLMError(f"{PREFIX}{key} must not be negative")
    return value


class _Retryable(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s


class ChatProvider:
    """Asks an OpenAI-compatible ``/chat/completions`` endpoint."""

    name = "chat"

    def __init__(self, settings: ChatSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep

    def complete(self, request: CompletionRequest) -> Completion:
        settings = self.settings
        payload = request.payload(settings.model)
        attempts = 1 + settings.retries
        for attempt in range(1, attempts + 1):
            log.debug("POST %s model=%s (%s), attempt %d of %d", settings.endpoint, settings.model,
                      request.purpose, attempt, attempts)
            try:
                response = self._post(payload)
            except _Retryable as failure:
                if attempt == attempts:
                    raise LLMError(
                        f"{settings.endpoint}: {self._mask(failure.reason)} (gave up after {attempts} attempts)"
                    ) from None
                wait = self._backoff(attempt, failure.wait_s)
                log.warning("%s: %s; retrying in %.2f s", settings.endpoint, self._mask(failure.reason), wait)
                self._sleep(wait)
                continue
            text = completion_text(response)
            if not text.strip():
                raise LLMError(f"{settings.endpoint}: the answer has no choices[0].message.content")
            if settings.record is not None:
                append_recording(
                    settings.record,
                    recording_for(request, settings.model, response, provider=self.name, endpoint=settings.endpoint),
                )
            return Completion(text, str(response.get("model") or settings.model), self.name)
        raise AssertionError("unreachable: the loop returns or raises")

    def _backoff(self, attempt: int, server_wait: float | None) -> float:
        if server_wait is not None:
            return min(server_wait, MAX_BACKOFF_S)
        return min(self.settings.backoff_s * 2.0 ** (attempt - 1), MAX_BACKOFF_S)

    def _mask(self, text: str) -> str:
        key = self.settings.api_key
        return text.replace(key, "***") if key else text

    def _post(self, payload: dict[str, object]) -> dict[str, Any]:
        import urllib.error  # here, not at the top: urllib.request loads http.client and ssl (~0.1 s),
        import urllib.request  # which a `new` that never asks a model should not pay

        settings = self.settings
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.api_key:
            headers["Authorization"] = "Bearer " + settings.api_key
        http_request = urllib.request.Request(
            settings.endpoint, data=json.dumps(payload).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(http_request, timeout=settings.timeout_s) as answer:  # noqa: S310 - http(s) only, checked above
                body = answer.read()
        except urllib.error.HTTPError as error:
            excerpt = self._mask(error.read(_EXCERPT * 4).decode("utf-8", "replace").strip())[:_EXCERPT]
            reason = f"HTTP {error.code}" + (f": {excerpt}" if excerpt else "")
            if error.code in RETRY_STATUSES:
                raise _Retryable(reason, _retry_after(error.headers.get("Retry-After"))) from None
            hint = " (check CODEGEN_AST_LLM_API_KEY)" if error.code in (401, 403) else ""
            raise LLMError(f"{settings.endpoint}: {reason}{hint}") from None
        except (TimeoutError, socket.timeout):
            raise _Retryable(f"no answer within {settings.timeout_s:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise _Retryable(f"no answer within {settings.timeout_s:g} s") from None
            raise _Retryable(f"cannot connect ({error.reason})") from None
        except (ConnectionError, OSError) as error:
            raise _Retryable(f"connection failed ({error})") from None
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise LLMError(f"{settings.endpoint}: the answer is not JSON: is the base URL a chat-completions API?") from None
        if not isinstance(data, dict):
            raise LLMError(f"{settings.endpoint}: the answer is not a JSON object")
        return data


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
