"""Defaults from ``[tool.codegen-ast]`` in the nearest pyproject.toml.

    [tool.codegen-ast]
    output = "src/nodes"      # the folder `new` writes into when -o is not given
    level = "standard"        # the validation level of `new`
    python = ".venv/bin/python"  # the interpreter that has omnibase-core
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from codegen_ast.errors import InputProblem, SpecError

_KEYS = ("output", "level", "python")


@dataclass(frozen=True)
class Defaults:
    output: Path | None = None
    level: str | None = None
    python: str | None = None
    source: Path | None = None  # the pyproject.toml they came from


def nearest_pyproject(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_defaults(start: Path | None = None) -> Defaults:
    path = nearest_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Defaults()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SpecError([InputProblem(path, None, None, f"cannot read it ({error})")]) from None
    table = data.get("tool", {}).get("codegen-ast", {})
    for key, value in table.items():
        if key not in _KEYS:
            raise SpecError(
                [InputProblem(path, None, f"tool.codegen-ast.{key}", f"unknown setting: use one of {', '.join(_KEYS)}")]
            )
        if not isinstance(value, str):
            raise SpecError([InputProblem(path, None, f"tool.codegen-ast.{key}", "must be a string")])
    output = table.get("output")
    return Defaults(
        output=(path.parent / output) if output else None,
        level=table.get("level"),
        python=table.get("python"),
        source=path,
    )
