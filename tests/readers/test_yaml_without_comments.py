"""``parse_yaml(..., comments=False)``, what the validator reads contracts with, knows
the same keys, values and lines as the round-trip reading, and refuses what it refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from codegen_ast.errors import SpecError
from codegen_ast.readers.yaml_source import parse_yaml, plain

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted(
    path for folder in ("tests", "examples") for path in (ROOT / folder).rglob("*.yaml") if path.is_file()
)


def positions(node: Any, at: tuple[object, ...] = ()) -> list[tuple[tuple[object, ...], Any]]:
    """(path, (line, column)) of every key and item."""
    found: list[tuple[tuple[object, ...], Any]] = []
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            found += [(at + (key,), node.lc.key(key)), *positions(value, at + (key,))]
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            found += [(at + (index,), node.lc.item(index)), *positions(value, at + (index,))]
    return found


def test_the_corpus_is_there() -> None:
    assert len(YAML_FILES) > 100


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_same_data_and_lines_without_comments(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        kept = parse_yaml(text, path)
    except SpecError as refused:
        with pytest.raises(SpecError) as also:
            parse_yaml(text, path, comments=False)
        assert also.value.problems[0].line == refused.problems[0].line
        return
    lean = parse_yaml(text, path, comments=False)
    assert plain(lean) == plain(kept)
    assert positions(lean) == positions(kept)


@pytest.mark.parametrize("text", ["a: [", "a: &x [*x]\n", "a:\n  b: 1\n c: 2\n", "# only a comment\nkey: v  # c\n"])
def test_hostile_text_reads_or_fails_the_same(text: str) -> None:
    outcomes = []
    for comments in (True, False):
        try:
            outcomes.append(("read", plain(parse_yaml(text, None, comments=comments))))
        except SpecError as error:
            outcomes.append(("refused", error.problems[0].line))
    assert outcomes[0] == outcomes[1]
