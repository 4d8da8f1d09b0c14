"""The framework's own tools are the oracle: what they accept, codegen-ast reads and generates.

Every contract of the repository (the corpus in ``tests/contracts/``, the reader
fixtures, the validation and upgrade corpora, the contracts of the generated
golden packages) is laid out as ``<id>/contract.yaml`` and checked by omnibase-core's
``onex compliance check``, the framework's sanctioned contract check (its checks
live inline in the CLI command, so the CLI is called). A contract passes the oracle
when every check about the contract itself passes: contract parse, schema
conformance, node kind, publish and subscribe topic naming, config readiness and
codepath consumption. ``handler_resolution`` is left out: it looks for the
handler's ``.py`` file next to the contract, a property of the repository the
contract came from, not of the contract.

Each contract the oracle passes must be read (``read_spec`` gives a NodeSpec),
generate, and pass ``--level basic`` validation (syntax and ONEX structure), as
``codegen-ast new --level basic`` does, except the few in :data:`REFUSED_ON_PURPOSE`,
which must be refused with an error naming file, line and field. A contract (current
dialect) publishes nothing it does not declare: every event type and topic constant of
the generated node.py is written in the contract, and no ``<operation>.completed`` or
per-transition event is made up (issue 13 point 4).

The oracle passes contracts the framework's strict pydantic contract models reject
(extra keys, ``io_operations[].operation``, dotted operations, payload_type_match
routes): the production dialect. :func:`test_the_oracle_passes_contracts_the_strict_models_reject`
shows those are in the set, for every node type.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from codegen_ast.errors import SpecError
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.validate._probe import contract_kind, probe
from codegen_ast.validate.command import validate_generated

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
# checks of onex compliance check that judge the repository, not the contract
NOT_ABOUT_THE_CONTRACT = frozenset({"handler_resolution"})

# contracts the oracle passes (it does not look at these sections) that codegen-ast
# refuses on purpose, with the reason; each must be refused naming file, line and field
# the constants the events pattern writes: EVENT_X = "<event type>", TOPIC_X = "<topic>"
EVENT_OR_TOPIC = re.compile(r'^(?:EVENT|TOPIC)_[A-Z0-9_]+ = "([^"]+)"', re.MULTILINE)
REFUSED_ON_PURPOSE = {
    "readers/files/bad_v2_mixin.yaml": "names a mixin omnibase-core does not have (MixinTeleport)",
    "readers/files/bad_v2_schema.yaml": "'money' is not a JSON Schema type: a field type would be guessed",
    "readers/files/bad_wrong_type.yaml": "io_operations is text, not a list (the framework's contract model refuses it too)",
}


def _contract_files() -> list[Path]:
    """Every contract file in the repository's tests (one of each text: the validation
    corpus repeats some); a file counts when it names a node type."""
    found = [
        *sorted((TESTS / "contracts").glob("*.yaml")),
        *sorted((TESTS / "readers" / "files").glob("*.yaml")),
        *sorted(TESTS.rglob("contract.yaml")),
    ]
    texts: dict[str, Path] = {}
    for path in found:
        text = path.read_text(encoding="utf-8")
        if ("node_type" in text or "node_kind" in text) and text not in texts:
            texts[text] = path
    return list(texts.values())


CONTRACTS = _contract_files()


def _id(path: Path) -> str:
    return path.relative_to(TESTS).as_posix()


@cache
def _oracle(tmp_root: str) -> dict[str, list[str]]:
    """``onex compliance check`` over every contract: id -> the contract checks it failed."""
    repo = Path(tmp_root) / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    folders: dict[str, str] = {}
    for index, path in enumerate(CONTRACTS):
        folder = repo / f"c{index:03d}"
        folder.mkdir(parents=True)
        shutil.copyfile(path, folder / "contract.yaml")
        folders[folder.name] = _id(path)
    report_file = Path(tmp_root) / "report.yaml"
    onex = Path(sys.executable).parent / "onex"
    run = subprocess.run(
        [str(onex), "compliance", "check", "--repo-root", str(repo), "--output", str(report_file)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode in (0, 1), run.stderr  # 1: some node fails a check
    report = yaml.safe_load(report_file.read_text(encoding="utf-8"))
    assert report["total"] == len(CONTRACTS)
    return {
        folders[result["node_id"]]: [check for check in result["checks_failed"] if check not in NOT_ABOUT_THE_CONTRACT]
        for result in report["results"]
    }


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    return _oracle(str(tmp_path_factory.mktemp("oracle")))


def test_the_oracle_sees_every_contract(oracle: dict[str, list[str]]) -> None:
    assert set(oracle) == {_id(path) for path in CONTRACTS}
    assert len(CONTRACTS) >= 100  # 108 distinct today
    passed = [name for name, failed in oracle.items() if not failed]
    assert all(name in passed for name in (_id(path) for path in (TESTS / "contracts").glob("*.yaml")))
    # it is an oracle, not a stamp: an unknown node type fails it
    assert oracle["readers/files/bad_node_type.yaml"] == ["node_kind_constraints"]


@pytest.mark.parametrize("path", CONTRACTS, ids=_id)
def test_what_the_oracle_passes_is_read_and_generates(path: Path, oracle: dict[str, list[str]]) -> None:
    if oracle[_id(path)]:
        pytest.skip(f"onex compliance check fails it ({', '.join(oracle[_id(path)])}): not required")
    if _id(path) in REFUSED_ON_PURPOSE:
        with pytest.raises(SpecError) as refused:
            read_spec(path)
        message = str(refused.value)
        assert re.search(re.escape(str(path)) + r":\d+: [\w.]+: ", message), message  # file, line, field
        return
    result = read_spec(path)
    package = generate(result.spec)
    report = validate_generated(package, level="basic")
    assert report.passed, "\n".join(f"{f.file}:{f.line}: {f.rule} {f.message}" for f in report.findings)
    if result.dialect == "contract":  # nothing invented: every event type and topic is the contract's own
        node = package.files["node.py"]
        invented = [value for value in EVENT_OR_TOPIC.findall(node) if value not in path.read_text(encoding="utf-8")]
        assert not invented and '.completed"' not in node, invented


def test_the_oracle_passes_contracts_the_strict_models_reject(oracle: dict[str, list[str]]) -> None:
    """The production dialect: contracts onex compliance check passes and the framework's
    strict contract models (ModelContractEffect, ...) refuse; codegen-ast reads them."""
    passed = {path for path in CONTRACTS if not oracle[_id(path)] and _id(path) not in REFUSED_ON_PURPOSE}
    answer = probe({"contracts": [{"id": _id(path), "text": path.read_text(encoding="utf-8")} for path in passed]})
    loose = {
        path for path in passed
        if not answer["contracts"][_id(path)]["loaded"]
    }
    kinds = {contract_kind(yaml.safe_load(path.read_text(encoding="utf-8")).get("node_type")) for path in loose}
    assert kinds >= {"effect", "compute", "reducer", "orchestrator"}
    texts = [path.read_text(encoding="utf-8") for path in loose]
    assert any("routing_strategy: payload_type_match" in text for text in texts)
    assert any(re.search(r"operation: [a-z_]+\.[a-z_]+", text) for text in texts)  # dotted operations
    assert len(loose) >= 40  # read and generated by test_what_the_oracle_passes_is_read_and_generates
