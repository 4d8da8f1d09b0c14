"""ruff's formatter writes black's bytes for every file of the declarative shape
(black is the reference).

``codegen_ast.emit`` formats a declarative package's files in one ``ruff format`` call
when ruff is installed beside the tool (a quarter of black's cost); these tests format
every file of every golden case and example with both and compare. The imperative
shape is formatted by black alone (ruff lays out three of its constructs otherwise).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_ast import emit
from codegen_ast.declarative.generate import build_declarative_contributions, build_declarative_modules
from codegen_ast.generate import build_modules, node_context
from codegen_ast.readers import read_node_spec, read_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "tests" / "cases").glob("*/spec.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))


def _spec(path: Path):  # type: ignore[no-untyped-def]
    return read_node_spec(path) if path.name == "spec.yaml" else read_spec(path).spec


def _codes(path: Path, shape: str) -> dict[str, str]:
    spec = _spec(path)
    context = node_context(spec)
    if shape == "declarative":
        modules = build_declarative_modules(spec, context, build_declarative_contributions(context))
    else:
        modules = build_modules(spec, context)
    return {relative: tree.code for relative, tree in modules.items()}


def test_ruff_is_installed_beside_the_tool() -> None:
    assert emit.ruff_binary() is not None, "ruff is a dependency: pip install ruff"


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.parent.name if path.name == "spec.yaml" else path.stem)
def test_ruff_formats_every_declarative_file_as_black_does(path: Path) -> None:
    codes = _codes(path, "declarative")
    assert len(codes) > 1
    by_ruff = emit.format_sources(codes)
    by_black = {relative: emit.format_source(code) for relative, code in codes.items()}
    different = [relative for relative in codes if by_ruff[relative] != by_black[relative]]
    assert not different, f"ruff and black disagree on {different}"
    assert any(by_black[relative] != code for relative, code in codes.items())  # formatting did something


def test_without_ruff_black_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEGEN_AST_FORMATTER", "black")
    emit.ruff_binary.cache_clear()
    try:
        assert emit.ruff_binary() is None
        assert emit.format_sources({"a.py": "x = [1,\n 2]\n", "b.py": "y=( 3 )\n"}) == {"a.py": "x = [1, 2]\n", "b.py": "y = 3\n"}
    finally:
        monkeypatch.delenv("CODEGEN_AST_FORMATTER")
        emit.ruff_binary.cache_clear()


def test_code_that_does_not_parse_is_reported_by_black() -> None:
    with pytest.raises(emit.EmitError, match="does not parse"):
        emit.format_sources({"a.py": "x = (\n", "b.py": "y = 1\n"})


def test_the_imperative_shape_stays_with_black(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ruff differs (a conditional expression as a dict value in node.py), the
    imperative shape's files are black's."""
    from codegen_ast.generate import generate

    spec = _spec(ROOT / "tests" / "cases" / "effect_minimal" / "spec.yaml")
    codes = _codes(ROOT / "tests" / "cases" / "effect_minimal" / "spec.yaml", "imperative")
    assert emit.format_sources(codes)["node.py"] != emit.format_source(codes["node.py"])
    assert generate(spec).files["node.py"] == emit.format_source(codes["node.py"])
