"""Recorded completions, replayed from a file: no network, the same answer every run.

The file is JSON in the shape of omnibase-core's golden-chain fixtures (the
framework's ``onex run --inference fixture`` replays recorded completions too):
each recording is ``{"provenance": {...}, "raw_response": {...}}``, where
``provenance`` pins it to the request that produced it (``request_hash``,
``prompt_hash``, ``model_id``, ``endpoint``, ``provider``, ``recorded_at``) and
``raw_response`` is the chat-completions answer as it came. A file holds
``{"fixture_version": "1", "recordings": [...]}``, a bare list of recordings,
or one framework fixture.

Replay is evidence, not authority (the framework's rule): a recording answers
only the request whose hash it carries. When the prompt changed (a different
spec, a newer codegen-ast), replay fails and says so instead of answering with
a completion made for another question. Empty completions are refused when the
file is loaded, and a completion that repeats the prompt is refused at replay.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from codegen_ast.llm.exchange import Completion, CompletionRequest, LLMError, completion_text, request_hash

FIXTURE_VERSION = "1"


@dataclass(frozen=True)
class Recording:
    provenance: dict[str, str]
    raw_response: dict[str, Any]

    @property
    def completion(self) -> str:
        return completion_text(self.raw_response)

    def as_dict(self) -> dict[str, object]:
        return {"provenance": self.provenance, "raw_response": self.raw_response}


def load_recordings(path: Path) -> list[Recording]:
    """The recordings in ``path``; LLMError naming the file and the defect otherwise."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LLMError(f"{path}: fixture file not found: check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LLMError(f"{path}: not a JSON fixture file ({error})") from None
    if isinstance(data, list):
        entries: object = data
    else:
        entries = data.get("recordings") if isinstance(data, dict) and "recordings" in data else [data]
    if not isinstance(entries, list) or not entries:
        raise LLMError(f"{path}: no recordings: the file needs a non-empty 'recordings' list")
    recordings = []
    for index, entry in enumerate(entries):
        where = f"{path}: recordings[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("provenance"), dict) \
                or not isinstance(entry.get("raw_response"), dict):
            raise LLMError(f"{where}: each recording needs a 'provenance' and a 'raw_response' mapping")
        provenance = entry["provenance"]
        missing = [key for key in ("model_id", "request_hash", "prompt_hash") if not isinstance(provenance.get(key), str)]
        if missing:
            raise LLMError(f"{where}: provenance lacks {', '.join(missing)}: record it again")
        recording = Recording({k: str(v) for k, v in provenance.items()}, entry["raw_response"])
        if not recording.completion.strip():
            raise LLMError(f"{where}: the recorded completion is empty: a fixture cannot prove an empty answer")
        recordings.append(recording)
    return recordings


class FixtureProvider:
    """Answers each request with the completion recorded for it in a fixture file."""

    name = "fixture"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.recordings = load_recordings(path)

    def complete(self, request: CompletionRequest) -> Completion:
        for recording in self.recordings:
            if recording.provenance["prompt_hash"] != request.prompt_hash:
                continue
            model = recording.provenance["model_id"]
            if request_hash(request.payload(model)) != recording.provenance["request_hash"]:
                continue  # same messages, other limits (max_tokens, temperature)
            text = recording.completion
            if request.messages and text.strip() == request.messages[-1].content.strip():
                raise LLMError(f"{self.path}: the recording for {request.purpose} repeats the prompt: not an answer")
            return Completion(text, model, self.name)
        raise LLMError(
            f"{self.path}: no recording answers the request for {request.purpose} (prompt {request.prompt_hash}): "
            "the prompt changed since it was recorded (another spec or codegen-ast version); record it again "
            "with CODEGEN_AST_LLM_RECORD=FILE and a live endpoint"
        )


def recording_for(
    request: CompletionRequest,
    model: str,
    raw_response: dict[str, Any],
    *,
    provider: str,
    endpoint: str,
) -> Recording:
    """A recording of ``raw_response`` as the answer to ``request`` sent to ``model``."""
    provenance = {
        "provider": provider,
        "model_id": model,
        "endpoint": endpoint,
        "request_hash": request_hash(request.payload(model)),
        "prompt_hash": request.prompt_hash,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return Recording(provenance, raw_response)


def answer(text: str, model: str) -> dict[str, Any]:
    """A chat-completions response carrying ``text`` (for recordings written by hand)."""
    return {"model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}


def append_recording(path: Path, recording: Recording) -> None:
    """Add ``recording`` to the fixture file at ``path`` (created when missing), atomically;
    a recording for the same request replaces the older one."""
    existing = load_recordings(path) if path.exists() else []
    kept = [r for r in existing if r.provenance["request_hash"] != recording.provenance["request_hash"]]
    data = {"fixture_version": FIXTURE_VERSION, "recordings": [r.as_dict() for r in [*kept, recording]]}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
