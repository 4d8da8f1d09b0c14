"""Settings from ``[tool.codegen-ast]`` in the nearest pyproject.toml.

    [tool.codegen-ast]
    output = "src/nodes"         # the folder `new` writes into when -o is not given
    level = "standard"           # the validation level of new, regenerate and validate
    python = ".venv/bin/python"  # the interpreter that has omnibase-core
    shape = "declarative"        # the shape `new` generates when --shape is not given
    exclude = ["legacy/"]        # more paths the folder walks skip (gitignore syntax)

Every command reads it. ``--config FILE`` names the file instead (a
pyproject.toml, or a TOML file whose top level holds the same keys);
``--isolated`` reads none. Paths in the file are relative to its folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from codegen_ast.errors import InputProblem, SpecError

_STRING_KEYS = ("output", "level", "python", "shape")
SHAPES = ("declarative", "imperative")  # what `new --shape` generates (docs/declarative-shape.md)
DEFAULT_SHAPE = "declarative"
_LIST_KEYS = ("exclude",)
KEYS = (*_STRING_KEYS, *_LIST_KEYS)


@dataclass(frozen=True)
class Defaults:
    output: Path | None = None
    level: str | None = None
    python: str | None = None
    shape: str | None = None
    exclude: tuple[str, ...] = ()
    source: Path | None = None  # the file they came from

    @property
    def root(self) -> Path:
        """The folder the file's relative paths start from."""
        return self.source.parent if self.source is not None else Path.cwd()


def nearest_pyproject(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _problem(path: Path, key: str | None, message: str) -> SpecError:
    return SpecError([InputProblem(path, None, f"tool.codegen-ast.{key}" if key else None, message)])


def load_defaults(start: Path | None = None, *, config: Path | None = None, isolated: bool = False) -> Defaults:
    """The settings that apply: from ``config``, else the nearest pyproject.toml
    above ``start`` (default: the current folder); none when ``isolated``."""
    if isolated:
        return Defaults()
    path = config if config is not None else nearest_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Defaults()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _problem(path, None, f"cannot read it ({error})") from None
    if config is not None and path.name != "pyproject.toml":
        table = data
    else:
        table = data.get("tool", {}).get("codegen-ast", {})
    if not isinstance(table, dict):
        raise _problem(path, None, "[tool.codegen-ast] must be a table")
    for key, value in table.items():
        if key not in KEYS:
            raise _problem(path, key, f"unknown setting: use one of {', '.join(KEYS)}")
        if key in _STRING_KEYS and not isinstance(value, str):
            raise _problem(path, key, "must be a string")
        if key in _LIST_KEYS and not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            raise _problem(path, key, "must be a list of strings (gitignore patterns)")
    output, python = table.get("output"), table.get("python")
    if python and "/" in python and not Path(python).is_absolute():
        python = str(path.parent / python)
    return Defaults(
        output=(path.parent / output) if output else None,
        level=table.get("level"),
        python=python,
        shape=table.get("shape"),
        exclude=tuple(table.get("exclude", ())),
        source=path.resolve(),
    )
