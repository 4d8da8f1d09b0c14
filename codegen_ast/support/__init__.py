"""Constant code of generated packages, as real Python.

The modules beside this one (``http_api``, ``saga``, ``events``) are parsed whole
and spliced into today's packages (see codegen_ast.builders.support).

``onex_support/`` is the support package of the declarative shape, written once
per output folder: real Python (typed, tested by this project's test suite) that
codegen-ast writes out verbatim, byte for byte: it takes no spec data.
``support_files`` reads it, ``support_manifest`` describes it (the folder's
``onex_support/codegen-manifest.json``), and ``SUPPORT_API`` is the API level the
generated registries ask for with ``require_api``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["PACKAGE", "SUPPORT_API", "SUPPORT_MANIFEST", "support_files", "support_manifest"]

PACKAGE = "onex_support"
SUPPORT_MANIFEST = f"{PACKAGE}/codegen-manifest.json"
_SHIPPED_SUFFIXES = (".py", ".typed")


def _source(name: str) -> str:
    return resources.files(__name__).joinpath(PACKAGE, name).read_text(encoding="utf-8")


def _read_api() -> int:
    """SUPPORT_API as onex_support/version.py declares it (read, not imported:
    importing needs omnibase_core, which codegen-ast itself does not)."""
    found = re.search(r"^SUPPORT_API = (\d+)$", _source("version.py"), re.MULTILINE)
    if found is None:
        raise RuntimeError("onex_support/version.py declares no SUPPORT_API")
    return int(found.group(1))


SUPPORT_API = _read_api()


def support_files() -> dict[str, str]:
    """Every file of the package, by its path in the output folder
    (``onex_support/http_api.py`` -> its text), sorted. Read once per process (each
    declarative package asks, twice): a copy of what was read."""
    global _FILES
    if _FILES is None:
        _FILES = _read_files()
    return dict(_FILES)


_FILES: dict[str, str] | None = None


def _read_files() -> dict[str, str]:
    root = resources.files(__name__).joinpath(PACKAGE)
    found: dict[str, str] = {}

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir():
                if entry.name != "__pycache__":
                    walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(_SHIPPED_SUFFIXES):
                found[f"{prefix}{entry.name}"] = entry.read_text(encoding="utf-8")

    walk(root, f"{PACKAGE}/")
    return dict(sorted(found.items()))


@functools.cache
def support_manifest(tool_version: str) -> str:
    """The text of ``onex_support/codegen-manifest.json``: the tool and support
    versions, the API level and a SHA-256 per file, to tell an untouched copy
    from an edited one and an older one from a newer."""
    version = re.search(r'^__version__ = "([^"]+)"$', _source("version.py"), re.MULTILINE)
    data = {
        "tool": "codegen-ast",
        "tool_version": tool_version,
        "package": PACKAGE,
        "support_version": version.group(1) if version else "unknown",
        "support_api": SUPPORT_API,
        "files": {
            path: hashlib.sha256(text.encode("utf-8")).hexdigest()
            for path, text in support_files().items()
        },
    }
    return json.dumps(data, indent=2) + "\n"
