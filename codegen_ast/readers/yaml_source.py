"""Load YAML keeping the line of every key, so errors can point at it; bounded.

Every YAML file codegen-ast reads (specs, contracts in every dialect, the
contract.yaml ``validate`` checks) goes through here, and none can exhaust
the time or the memory:

- only a regular file is read (a device such as /dev/zero, a pipe that never
  ends or a folder is refused), and at most :data:`MAX_INPUT_BYTES` of it;
- nesting deeper than :data:`MAX_DEPTH` is refused while parsing, long before
  Python's recursion limit;
- aliases are expanded under a budget: a document whose values, with every
  alias counted as a copy of what it names, exceed :data:`MAX_NODES` is
  refused while composing, before anything is copied (an "alias bomb" of a
  few hundred bytes would otherwise expand to billions of values).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.scanner import Scanner

from codegen_ast.errors import InputProblem, SpecError

MAX_INPUT_BYTES = 1024 * 1024  # real contracts are under 10 KB
MAX_DEPTH = 64  # real specs and contracts nest less than 10 deep
MAX_NODES = 100_000  # values after alias expansion; a real contract has a few hundred


class _Refused(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _BoundedComposer(Composer):
    """Composes as ruamel does, counting depth and the expanded size of every node."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sizes: dict[int, int] = {}
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.parser.peek_event().start_mark
                raise _Refused(mark.line + 1, f"the YAML nests deeper than {MAX_DEPTH} levels: flatten it")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        size = self._size(node)
        if size > MAX_NODES:
            raise _Refused(
                node.start_mark.line + 1,
                f"the YAML holds more than {MAX_NODES:,} values once its aliases (*name) are expanded: "
                "write the values out, or use fewer aliases",
            )
        return node

    def _size(self, node: Node) -> int:
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, MappingNode):
            size = 1 + sum(self._size(key) + self._size(value) for key, value in node.value)
        elif isinstance(node, SequenceNode):
            size = 1 + sum(self._size(item) for item in node.value)
        else:
            size = 1
        self._sizes[id(node)] = size
        return size


@dataclass
class YamlDocument:
    path: Path
    data: Any  # plain dicts, lists and scalars
    _tree: Any  # the ruamel tree, which knows positions

    @property
    def tree(self) -> Any:
        """The round-trip tree (ruamel), which knows the line of every key."""
        return self._tree

    def line_of(self, location: tuple[str | int, ...]) -> int | None:
        """1-based line of the deepest part of ``location`` that exists."""
        node, line = self._tree, None
        for key in location:
            if isinstance(node, CommentedMap) and key in node:
                line = _line(node.lc.key, key, line)
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line = _line(node.lc.item, key, line)
                node = node[key]
            else:
                break
        return line


def _line(position: Any, key: str | int, parent: int | None) -> int | None:
    """The line of ``key``; a key set by ``--set`` has none: its parent's line."""
    try:
        return int(position(key)[0]) + 1
    except KeyError:
        return parent


def plain(node: Any) -> Any:
    """The YAML tree as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(item) for item in node]
    return node


def read_input(path: Path) -> str:
    """The text of the input file at ``path``: a regular file of at most MAX_INPUT_BYTES, UTF-8."""
    try:
        status = os.stat(path)
        if stat.S_ISDIR(status.st_mode):
            raise SpecError([InputProblem(path, None, None, "this is a folder: give a spec or contract file")])
        if not stat.S_ISREG(status.st_mode):
            raise SpecError([InputProblem(path, None, None, "not a regular file (a device or a pipe): "
                                          "give a spec or contract file")])
        with open(path, "rb") as stream:
            data = stream.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise SpecError([InputProblem(path, None, None, "file not found: check the path")]) from None
    except OSError as error:
        raise SpecError([InputProblem(path, None, None, f"cannot read the file ({error.strerror or error})")]) from None
    if len(data) > MAX_INPUT_BYTES:
        raise SpecError([InputProblem(path, None, None, f"the file is larger than {MAX_INPUT_BYTES // 1024} KiB, "
                                      "the most a spec or contract may be: split it, or remove what it does not need")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpecError([InputProblem(path, line, None, f"not UTF-8 text ({error.reason} at byte {error.start}): "
                                      "save the file as UTF-8")]) from None


def parse_yaml(text: str, path: Path | None, *, comments: bool = True) -> Any:
    """The ruamel round-trip tree of ``text``, within the bounds above; SpecError otherwise.

    ``comments=False`` leaves the comments out of the tree (the same keys, values and
    lines, for a quarter less time): for a reader that only looks, never writes back."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _BoundedComposer
    if not comments:
        yaml.Scanner = Scanner
    try:
        return yaml.load(text)
    except _Refused as refused:
        raise SpecError([InputProblem(path, refused.line, None, refused.message)]) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (error.problem or error.context or "invalid YAML").strip()
        raise SpecError(
            [InputProblem(path, line, None, f"YAML syntax error: {problem}; fix the YAML syntax")]
        ) from None
    except YAMLError as error:
        raise SpecError([InputProblem(path, None, None, f"YAML error: {error}")]) from None
    except RecursionError:  # a bound above should stop it first
        raise SpecError([InputProblem(path, None, None, "the YAML nests too deeply: flatten it")]) from None
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as error:
        # ruamel itself trips over some malformed documents (a !!set tag on a key with an anchor...)
        raise SpecError([InputProblem(path, None, None, f"the YAML cannot be read ({type(error).__name__}: "
                                      f"{error}): fix the YAML syntax near tags, anchors and aliases")]) from None


def load_yaml(path: Path) -> YamlDocument:
    text = read_input(path)
    if not text.strip():
        raise SpecError(
            [InputProblem(path, None, None, "the file is empty: write a node spec "
                          "(see examples/orders_effect.yaml)")]
        )
    tree = parse_yaml(text, path)
    if not isinstance(tree, CommentedMap):
        raise SpecError(
            [InputProblem(path, 1, None, "expected a mapping of keys (name:, node_type:, ...) "
                          f"at the top level, found {type(tree).__name__}")]
        )
    return YamlDocument(path, plain(tree), tree)
