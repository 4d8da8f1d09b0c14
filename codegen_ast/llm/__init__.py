"""Language-model providers for ``--fill llm`` and ``new --prompt``.

Two providers answer a :class:`CompletionRequest`: :class:`FixtureProvider`
replays recorded completions from a file (no network), :class:`ChatProvider`
asks an OpenAI-compatible chat-completions endpoint set by environment
variables. :func:`choose_provider` picks one. Whatever a model answers is
checked like any other code before it is used (see ``codegen_ast.fill``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codegen_ast.llm.chat import PREFIX, ChatProvider, ChatSettings
from codegen_ast.llm.exchange import Completion, CompletionRequest, LLMError, Message, Provider, request_hash
from codegen_ast.llm.fixture import FixtureProvider, Recording, answer, append_recording, load_recordings, recording_for

NOT_CONFIGURED = (
    f"no language model configured: pass --llm-fixture FILE (recorded completions), or set "
    f"{PREFIX}BASE_URL and {PREFIX}MODEL (and {PREFIX}API_KEY) for an OpenAI-compatible endpoint"
)


def choose_provider(fixture: Path | None = None, environ: Mapping[str, str] | None = None) -> Provider:
    """The fixture file when one is given (or in ``CODEGEN_AST_LLM_FIXTURE``), else the
    chat endpoint of the environment; LLMError when neither is configured."""
    environ = os.environ if environ is None else environ
    fixture = fixture or (Path(environ[PREFIX + "FIXTURE"]) if environ.get(PREFIX + "FIXTURE") else None)
    if fixture is not None:
        return FixtureProvider(fixture)
    settings = ChatSettings.from_environment(environ)
    if settings is None:
        raise LLMError(NOT_CONFIGURED)
    return ChatProvider(settings)


__all__ = [
    "ChatProvider",
    "ChatSettings",
    "Completion",
    "CompletionRequest",
    "FixtureProvider",
    "LLMError",
    "Message",
    "Provider",
    "Recording",
    "answer",
    "append_recording",
    "choose_provider",
    "load_recordings",
    "recording_for",
    "request_hash",
]
