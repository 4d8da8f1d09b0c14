"""The manifest a generated package carries: the spec, the tool version, and a
hash of every file as generated. ``regenerate`` uses it to tell the files the
user never touched from the ones they edited."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.spec import NodeSpec

MANIFEST = "codegen-manifest.json"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Manifest:
    spec: NodeSpec
    tool_version: str
    hashes: dict[str, str]  # relative path -> sha256 of the generated text


def render_manifest(spec: NodeSpec, files: dict[str, str], tool_version: str) -> str:
    data = {
        "tool": "codegen-ast",
        "tool_version": tool_version,
        "spec": spec.model_dump(mode="json", exclude_defaults=True, by_alias=True),
        "files": {path: digest(text) for path, text in sorted(files.items())},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_manifest(package_dir: Path) -> Manifest:
    path = package_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(
            [InputProblem(path, None, None, "no manifest: only packages written by codegen-ast new can be regenerated")]
        ) from None
    except (OSError, ValueError) as error:
        raise SpecError([InputProblem(path, None, None, f"unreadable manifest ({error}): regenerate with codegen-ast new --force")]) from None
    try:
        spec = NodeSpec.model_validate(data["spec"])
    except (KeyError, ValidationError) as error:
        raise SpecError([InputProblem(path, None, "spec", f"the recorded spec is invalid ({error})")]) from None
    return Manifest(spec, str(data.get("tool_version", "unknown")), dict(data.get("files", {})))
