"""`codegen-ast mixins`: the catalogue by category, each mixin with what it gives and how
it reaches a node; --why, named mixins, --pairs and --format json."""

from __future__ import annotations

import json
from collections import Counter

from click.testing import CliRunner

from codegen_ast.cli import main
from pathlib import Path

from codegen_ast.target.catalogue import BY_NAME, CATALOGUE


def test_every_mixin_is_listed_under_its_category() -> None:
    result = CliRunner().invoke(main, ["mixins"])
    assert result.exit_code == 0
    listed: dict[str, tuple[str, str]] = {}  # mixin -> (category, line)
    categories: list[str] = []
    for line in result.output.splitlines():
        if not line.startswith(" "):
            categories.append(line.removesuffix(":"))
        else:
            listed[line.split()[0]] = (categories[-1], line)
    assert categories == sorted({info.category for info in CATALOGUE})
    assert {name: category for name, (category, _) in listed.items()} == {i.name: i.category for i in CATALOGUE}
    for info in CATALOGUE:
        assert info.gives in listed[info.name][1]
    assert listed["MixinCaching"][1].endswith("[a base for every node type]")
    assert listed["MixinDiscoveryResponder"][1].endswith("[held by the node: the discovery feature]")
    assert listed["MixinEffectExecution"][1].endswith("[in the effect base already]")
    assert listed["MixinCLIHandler"][1].endswith("[refused]")


def test_why_and_named_mixins_give_the_reasons() -> None:
    result = CliRunner().invoke(main, ["mixins", "MixinCLIHandler", "MixinMetrics"])
    assert result.exit_code == 0
    assert "why: main() calls self.process(input_state)" in result.output
    assert "needs: nothing: its __init__ is cooperative" in result.output
    assert result.output.count("\n  Mixin") == 2
    unknown = CliRunner().invoke(main, ["mixins", "MixinRetry"])
    assert unknown.exit_code == 2 and "no mixin MixinRetry in omnibase-core 0.47.57" in unknown.output


def test_json_and_pairs() -> None:
    listed = json.loads(CliRunner().invoke(main, ["mixins", "--format", "json"]).output)
    assert len(listed) == 41
    assert Counter(item["use"] for item in listed) == {"refused": 27, "base": 10, "provided": 3, "registry": 1}
    discovery = next(item for item in listed if item["name"] == "MixinDiscoveryResponder")
    assert discovery["clashes"] == ["MixinHealthCheck"]
    pairs = CliRunner().invoke(main, ["mixins", "--pairs"]).output
    assert pairs.splitlines()[0] == "220 pairs over 4 node types: 212 allowed, 8 refused"
    assert "refused: MixinEventBus + MixinNodeService (every node type): both define _log_info and _log_error" in pairs
    verdicts = json.loads(CliRunner().invoke(main, ["mixins", "--pairs", "--format", "json"]).output)
    assert len(verdicts) == 220 and sum(not v["allowed"] for v in verdicts) == 8


def test_the_docs_table_has_every_mixin_as_the_catalogue_says() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "mixins.md").read_text(encoding="utf-8")
    rows = [line for line in docs.splitlines() if line.startswith("| `Mixin")]
    assert len(rows) == len(CATALOGUE) == 41
    for info in CATALOGUE:
        [row] = [row for row in rows if row.startswith(f"| `{info.name}` | {info.category} |")]
        assert (info.reason if info.use == "refused" else info.requires) in row
        assert ("refused" in row) == (info.use == "refused")


def test_each_reason_points_at_the_frameworks_code() -> None:
    import omnibase_core

    from codegen_ast.target.catalogue import code_evidence

    framework = Path(omnibase_core.__file__).resolve().parent.parent
    quoted = 0
    for info in CATALOGUE:
        for piece in code_evidence(info):
            if piece.kind == "quote":
                assert piece.file is not None and piece.line is not None, (info.name, piece)
                assert piece.text in (framework / piece.file).read_text(encoding="utf-8").splitlines()[piece.line - 1]
                quoted += 1
    assert quoted == 24  # every quote of the catalogue
    [cli] = [p for p in code_evidence(BY_NAME["MixinCLIHandler"])]
    shown = CliRunner().invoke(main, ["mixins", "MixinCLIHandler", "MixinLazyValue"]).output
    assert f"code: omnibase_core/mixins/mixin_cli_handler.py:{cli.line}: output_state = self.process(input_state)" in shown
    assert "code: creating a node with it raises: ...missing 1 required positional argument: 'func'..." in shown
    listed = json.loads(CliRunner().invoke(main, ["mixins", "MixinNodeIntrospection", "--format", "json"]).output)
    assert listed[0]["evidence"] == [{"kind": "abstract", "text": "get_metadata_loader", "file": None, "line": None}]
