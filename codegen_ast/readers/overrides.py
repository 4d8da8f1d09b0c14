"""``--set PATH=VALUE``: change a contract as it is read, without editing the file.

A contract the user does not own (another team's, a vendored one) may hold
something codegen-ast cannot generate. ``--set`` changes it on the way in:
``PATH`` is the dotted location of a key as the errors print it
(``io_operations.0.input_fields``, ``mixin_configuration.mixins.2``; a number
indexes a list), ``VALUE`` is YAML (``EFFECT_GENERIC``, ``1.0.0``, ``[a, b]``,
``{name: ModelX}``); ``null`` (or ``~``) removes the key or list item. The file
is never written; every override applied is said in a warning, recorded in the
package's manifest, and applied again by ``regenerate``.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.readers.yaml_source import YamlDocument, parse_yaml, plain

FLAG = "--set"
HELP = (
    "PATH=VALUE: change the contract as it is read, without editing it (a contract you do not own). "
    "PATH is the dotted key an error names (io_operations.0.input_fields; a number indexes a list), "
    "VALUE is YAML; null removes the key. Repeatable; recorded in the manifest for regenerate."
)


def hint(location: str, value: str = "VALUE") -> str:
    """The fix for a contract the user does not own: the override that gets past the problem."""
    return f"in a contract you do not own: {FLAG} {location}={value}"


def _fail(override: str, message: str) -> SpecError:
    return SpecError([InputProblem(None, None, FLAG, f"{override!r}: {message}")])


def _parse(override: str) -> tuple[list[str | int], Any]:
    path, equals, text = override.partition("=")
    if not equals or not path.strip():
        raise _fail(override, "write PATH=VALUE, e.g. --set node_type=EFFECT_GENERIC (null removes the key)")
    keys: list[str | int] = [int(part) if part.isdigit() else part for part in path.strip().split(".")]
    if any(part == "" for part in keys):
        raise _fail(override, "the path has an empty part: write keys joined by single dots, e.g. event_bus.publish_topics")
    try:
        value = parse_yaml(text, None) if text.strip() else ""
    except SpecError as error:
        raise _fail(override, f"the value is not YAML ({error.problems[0].message})") from None
    return keys, value


def _apply(tree: CommentedMap, override: str) -> str:
    """Apply one override to the round-trip tree; what it did, for the warning."""
    keys, value = _parse(override)
    node: Any = tree
    for depth, key in enumerate(keys[:-1]):
        child = _child(node, key)
        if child is None:
            if value is None:
                return f"{override}: nothing to remove"
            child = CommentedMap()
            _put(node, key, child, override)
        elif not isinstance(child, (CommentedMap, CommentedSeq)):
            where = ".".join(map(str, keys[: depth + 1]))
            raise _fail(override, f"{where} is a {type(child).__name__}, not a mapping or list: set {where} itself")
        node = child
    last = keys[-1]
    before = _child(node, last)
    if value is None:
        if before is None:
            return f"{override}: nothing to remove"
        if isinstance(node, CommentedSeq):
            node[last] = _REMOVED  # taken out once every override is applied: indexes stay as the errors print them
        else:
            del node[last]
        return f"{override}: removed (was {plain(before)!r})"
    _put(node, last, value, override)
    return f"{override}: set" + ("" if before is None else f" (was {plain(before)!r})")


class _Removed:
    """A list item an override removes; lists keep their indexes until every override is applied."""


_REMOVED = _Removed()


def _purge(node: Any) -> None:
    if isinstance(node, CommentedSeq):
        for index in reversed(range(len(node))):
            if node[index] is _REMOVED:
                del node[index]
    for child in node.values() if isinstance(node, CommentedMap) else node if isinstance(node, CommentedSeq) else ():
        _purge(child)


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, CommentedSeq):
        return node[key] if isinstance(key, int) and key < len(node) and node[key] is not _REMOVED else None
    return node.get(key if not isinstance(key, int) or key in node else str(key))


def _put(node: Any, key: str | int, value: Any, override: str) -> None:
    if isinstance(node, CommentedSeq):
        if not isinstance(key, int) or key > len(node):
            raise _fail(override, f"{key} is not an index of this list of {len(node)} (use 0..{len(node)})")
        if key == len(node):
            node.append(value)
        else:
            node[key] = value
    else:
        node[str(key) if isinstance(key, int) and key not in node else key] = value


def apply_overrides(document: YamlDocument, overrides: tuple[str, ...]) -> tuple[YamlDocument, list[InputProblem]]:
    """``document`` with every override applied (lines of untouched keys unchanged), and one note per override."""
    if not overrides:
        return document, []
    notes = [
        InputProblem(document.path, None, FLAG, f"overridden: {_apply(document.tree, override)}")
        for override in overrides
    ]
    _purge(document.tree)
    return YamlDocument(document.path, plain(document.tree), document.tree), notes
