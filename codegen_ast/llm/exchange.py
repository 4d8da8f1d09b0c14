"""One exchange with a language model: the request, the completion, the provider seam.

The request hash is omnibase-core's golden-chain hash (sha256 over the canonical
JSON of ``model``, ``messages``, ``max_tokens`` and ``temperature``), so a
recording made here is pinned to the exact request that produced it, as the
framework's own replay fixtures are.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Protocol

from codegen_ast.errors import CodegenError

HASHED_KEYS = ("model", "messages", "max_tokens", "temperature")


class LLMError(CodegenError):
    """The model could not be asked, or its answer cannot be used; the message says why."""


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class CompletionRequest:
    """What is asked: the chat messages and the limits of the answer."""

    messages: tuple[Message, ...]
    purpose: str  # what the answer is for, e.g. "handler body of create_order" (for reports)
    max_tokens: int = 2048
    temperature: float = 0.0

    def payload(self, model: str) -> dict[str, object]:
        """The OpenAI-compatible chat-completions request body."""
        return {
            "model": model,
            "messages": [message.as_dict() for message in self.messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }

    @property
    def prompt_hash(self) -> str:
        return _sha256(_canonical_json([message.as_dict() for message in self.messages]))


@dataclass(frozen=True)
class Completion:
    """What the model answered, and who answered it (for provenance in reports)."""

    text: str
    model: str
    provider: str  # "fixture" | "chat"


class Provider(Protocol):
    """Anything that answers a CompletionRequest: a recorded fixture, a chat endpoint."""

    @property
    def name(self) -> str: ...

    def complete(self, request: CompletionRequest) -> Completion: ...


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_hash(payload: dict[str, object]) -> str:
    """omnibase-core's canonical_request_hash: the fields that decide which model produced which bytes."""
    return _sha256(_canonical_json({key: payload[key] for key in HASHED_KEYS if key in payload}))


def completion_text(response: object) -> str:
    """``choices[0].message.content`` of a chat-completions response, or "" when absent."""
    if not isinstance(response, dict):
        return ""
    choices = response.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, str) else ""
