"""Load YAML keeping the line of every key, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from codegen_ast.errors import InputProblem, SpecError


@dataclass
class YamlDocument:
    path: Path
    data: Any  # plain dicts, lists and scalars
    _tree: Any  # the ruamel tree, which knows positions

    def line_of(self, location: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest part of ``location`` that exists."""
        node, line = self._tree, None
        for key in location:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        return line


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return node


def load_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([InputProblem(path, None, None, "file not found: check the path")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError([InputProblem(path, None, None, f"cannot read the file ({error})")]) from None
    if not text.strip():
        raise SpecError(
            [InputProblem(path, None, None, "the file is empty: write a node spec "
                          "(see examples/orders_effect.yaml)")]
        )
    try:
        tree = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (error.problem or error.context or "invalid YAML").strip()
        raise SpecError(
            [InputProblem(path, line, None, f"YAML syntax error: {problem}; fix the YAML syntax")]
        ) from None
    except YAMLError as error:
        raise SpecError([InputProblem(path, None, None, f"YAML error: {error}")]) from None
    if not isinstance(tree, CommentedMap):
        raise SpecError(
            [InputProblem(path, 1, None, "expected a mapping of keys (name:, node_type:, ...) "
                          f"at the top level, found {type(tree).__name__}")]
        )
    return YamlDocument(path, _plain(tree), tree)
