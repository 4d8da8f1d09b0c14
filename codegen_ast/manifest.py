"""The manifest a generated package carries, ``codegen-manifest.json``.

It records the spec, the tool version, where the spec file is (relative to
the package, when there is one), a hash of every file as generated, and the
generated texts themselves (compressed): the *base* of the three-way merge
``regenerate`` does, so that what the user changed and what the generator
changed can be told apart even after the tool itself changed.

A manifest that is missing or damaged is not an error for ``regenerate``: it
means "every file may have been edited" (:class:`Manifest` with ``problem``
set), never "nothing was".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from codegen_ast.spec import NodeSpec

MANIFEST = "codegen-manifest.json"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Manifest:
    spec: NodeSpec | None
    tool_version: str = "unknown"
    hashes: dict[str, str] = field(default_factory=dict)  # relative path -> sha256 of the generated text
    generated: dict[str, str] = field(default_factory=dict)  # relative path -> the generated text
    spec_file: str | None = None  # the spec's path, relative to the package folder
    problem: str | None = None  # why the manifest could not be read (then nothing is known)
    shape: str = "imperative"  # the package's shape: "declarative" (a shell, handler.py, handlers/, registry/)
    overrides: tuple[str, ...] = ()  # `new --set PATH=VALUE`, applied again to the spec file by regenerate


def _pack(files: dict[str, str]) -> str:
    data = json.dumps(files, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _unpack(packed: object) -> dict[str, str]:
    if not isinstance(packed, str):
        return {}
    try:
        data = json.loads(zlib.decompress(base64.b64decode(packed, validate=True)))
    except (binascii.Error, zlib.error, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(key, str) and isinstance(value, str)}


def shape_of(files: dict[str, str]) -> str:
    """The shape of a package from its files: the declarative shape has its entry
    handler in ``handler.py`` beside the contract, the imperative one never does."""
    return "declarative" if "handler.py" in files else "imperative"


def render_manifest(
    spec: NodeSpec, files: dict[str, str], tool_version: str, *, spec_file: str | None = None, overrides: tuple[str, ...] = ()
) -> str:
    generated = {path: text for path, text in sorted(files.items()) if path != MANIFEST}
    data: dict[str, object] = {
        "tool": "codegen-ast",
        "tool_version": tool_version,
        "spec": spec.model_dump(mode="json", exclude_defaults=True, by_alias=True),
    }
    if spec_file is not None:
        data["spec_file"] = spec_file
    if overrides:
        data["overrides"] = list(overrides)
    if shape_of(generated) == "declarative":  # absent: imperative (every manifest written before the shape)
        data["shape"] = "declarative"
    data["files"] = {path: digest(text) for path, text in generated.items()}
    data["generated"] = _pack(generated)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_manifest(package_dir: Path) -> Manifest:
    """The manifest of ``package_dir``; when it is missing or damaged, one that
    knows nothing and says why in ``problem``."""
    path = package_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest(None, problem=f"{path}: no manifest")
    except (OSError, ValueError) as error:
        return Manifest(None, problem=f"{path}: unreadable manifest ({error})")
    if not isinstance(data, dict):
        return Manifest(None, problem=f"{path}: damaged manifest (not a JSON object)")
    try:
        spec = NodeSpec.model_validate(data.get("spec"))
    except ValidationError as error:
        return Manifest(None, problem=f"{path}: the recorded spec is invalid ({error.error_count()} problem(s))")
    hashes = data.get("files")
    if not isinstance(hashes, dict) or not all(isinstance(v, str) for v in hashes.values()):
        return Manifest(spec, problem=f"{path}: damaged manifest (no file hashes)")
    generated = _unpack(data.get("generated"))
    # a text only counts as the base when it is what the hash says was generated
    generated = {name: text for name, text in generated.items() if hashes.get(name) == digest(text)}
    spec_file = data.get("spec_file")
    return Manifest(
        spec,
        str(data.get("tool_version", "unknown")),
        dict(hashes),
        generated,
        spec_file if isinstance(spec_file, str) else None,
        shape="declarative" if data.get("shape") == "declarative" else "imperative",
        overrides=tuple(o for o in data.get("overrides") or () if isinstance(o, str)) if isinstance(data.get("overrides"), list) else (),
    )
