"""The v2 dialect with mixins, subcontracts and dependencies, as the seed plan describes
it: sample contracts written after that description (tests/contracts/v2/; the
seed's own files are not available). Every valid one generates and passes
``validate --level strict`` (mypy --strict over all of them in one call); a mixin the
generator cannot compose is kept in the generated contract.yaml and reported, never
fatal; the invalid one (a mixin omnibase-core does not have) exits 2 naming it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from benchmarks.contract_corpus import run
from codegen_ast.cli import main
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.selection import select
from tests.conftest import MYPY_CACHE, ROOT

SEED = ROOT / "tests" / "contracts" / "v2"
INVALID = ROOT / "tests" / "contracts" / "v2_invalid" / "node_teleport_effect.yaml"
SAMPLES = sorted(SEED.glob("*.yaml"))


def test_the_samples_cover_the_dialect() -> None:
    texts = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in SAMPLES]
    assert {text["node_type"] for text in texts} == {"effect", "compute", "reducer", "orchestrator"}
    assert all(text["mixin_configuration"]["mixins"] for text in texts)
    assert {name for text in texts for name in text.get("subcontracts", {})} >= {
        "fsm", "caching", "event_type", "state_management"
    }
    assert sum("dependencies" in text for text in texts) >= 3


def test_every_sample_generates_and_passes_strict(tmp_path: Path) -> None:
    outcomes, _, _, _ = run(SAMPLES, tmp_path, MYPY_CACHE)
    assert [o.contract for o in outcomes if o.generated] == [path.name for path in SAMPLES]
    problems = [line for o in outcomes for line in (o.problem, *o.errors, *o.warnings) if line]
    assert not problems, "\n".join(problems)


def test_mixins_not_composed_are_kept_in_the_contract_and_reported() -> None:
    not_composed = 0
    for path in SAMPLES:
        result = read_spec(path)
        source = yaml.safe_load(path.read_text(encoding="utf-8"))
        package = generate(result.spec)
        contract = yaml.safe_load(package.files["contract.yaml"])
        assert contract["mixin_configuration"] == source["mixin_configuration"], path.name  # kept as written
        said = [w for w in result.warnings if "kept in contract.yaml, not composed" in w.message]
        for warning in said:  # each names its mixin, file and line
            index = int(warning.field.rsplit(".", 1)[1])
            name = source["mixin_configuration"]["mixins"][index]["mixin_name"]
            assert warning.message.startswith(name) and warning.path == path and warning.line
            assert name not in result.spec.mixins
        not_composed += len(said)
        selection = select(result.spec)
        decided = {decision.choice for decision in selection.log if decision.topic == "mixin"}
        for name in result.spec.mixins:  # composed: a base of the node, of its wrapper or of its base, or held by it
            assert name in decided | set(selection.provides) or name in package.files["node.py"], (path.name, name)
        for key in ("state_management", "event_type"):  # subcontracts not acted on are carried, and said
            if key in source.get("subcontracts", {}):
                assert contract["subcontracts"][key] == source["subcontracts"][key]
                assert any(w.field == f"subcontracts.{key}" and "kept, not acted on" in w.message for w in result.warnings)
    assert not_composed >= 5


def test_the_invalid_sample_exits_2_naming_the_mixin(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(INVALID), "-o", str(tmp_path / "out"), "--no-validate"])
    assert result.exit_code == 2
    assert re.search(
        re.escape(str(INVALID)) + r":10: mixin_configuration\.mixins\.1: unknown mixin 'MixinTeleport': "
        r"omnibase-core 0\.47 has no such mixin .*--set mixin_configuration\.mixins\.1=null",
        result.output,
    ), result.output
    assert not (tmp_path / "out" / "node_teleport_effect").exists()
    fixed = CliRunner().invoke(main, ["new", str(INVALID), "-o", str(tmp_path / "out"), "--no-validate",
                                      "--set", "mixin_configuration.mixins.1=null"])
    assert fixed.exit_code == 0, fixed.output
