"""Run-time smoke of the upgrade: every node of tests/upgrade/smoke/corpus (and
the four stubs `onex new node` writes) is imported, instantiated with
ModelONEXContainer(), initialized, exercised (process, a seed-era entry point,
or its handlers), asked for its health and cleaned up — before and after
`codegen-ast upgrade --write`. After must not fail where before worked, and must
answer the same. One subprocess runs the whole corpus for each side
(smoke/runner.py); Kafka is the real broker (Tansu), Consul the agent stand-in.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from codegen_ast.upgrade.files import FileUpgrade, upgrade_files, write
from codegen_ast.upgrade.nodes import is_shell
from codegen_ast.validate import validate
from tests.services import ConsulAgentStandIn, KafkaBroker
from tests.upgrade.conftest import Scaffold
from tests.upgrade.test_upgrade_corpus import ruff_import_findings

SMOKE = Path(__file__).resolve().parent / "smoke"
CORPUS = SMOKE / "corpus"
STUB_SMOKE = '''"""The stub, by the name `onex new node` gave it; its request model has no fields."""

from typing import Any

from runner_samples import sample

MODULE = "{module}"
NODE = "{name}"
KIND = "{kind}"


async def exercise(node: Any) -> object:
    return await node.process(sample(KIND, empty=True))
'''
HEALTH_RANK = {"unhealthy": 0, "degraded": 1, "healthy": 2}


@dataclass
class Smoke:
    before: Path
    after: Path
    ran_before: dict[str, dict[str, Any]]
    ran_after: dict[str, dict[str, Any]]
    upgrades: dict[str, list[FileUpgrade]]  # case -> its files' upgrades


def _run_corpus(root: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, str(SMOKE / "runner.py"), str(root)],
        capture_output=True, text=True, timeout=600, check=False, cwd=root, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer: dict[str, dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def _add_scaffolds(root: Path, scaffolds: list[Scaffold]) -> None:
    """The four `onex new node` stubs (their original text, in the package `shop`
    onex wrote them in), each a case of its own."""
    shutil.copytree(scaffolds[0].project / "src" / "shop", root / "src" / "shop")
    for scaffold in scaffolds:
        relative = scaffold.node_file.relative_to(scaffolds[0].project / "src")
        (root / "src" / relative).write_text(scaffold.original, encoding="utf-8")
        case = root / "src" / "nodes" / f"onex_stub_{scaffold.kind}"
        case.mkdir()
        (case / "__init__.py").write_text("", encoding="utf-8")
        module = ".".join(relative.with_suffix("").parts)
        name = "Node" + scaffold.node_file.stem.removeprefix("node_").rsplit("_", 1)[0].capitalize()
        (case / "smoke.py").write_text(STUB_SMOKE.format(module=module, name=name, kind=scaffold.kind), encoding="utf-8")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory, kafka_broker: KafkaBroker, scaffolds: list[Scaffold]) -> Smoke:
    root = tmp_path_factory.mktemp("smoke")
    before, after = root / "before", root / "after"
    for side in (before, after):
        shutil.copytree(CORPUS, side)
        _add_scaffolds(side, scaffolds)
    upgrades: dict[str, list[FileUpgrade]] = {}
    sys.path.insert(0, str(after / "site"))  # vendor_kit is an installed package to the upgrade
    try:
        upgrades["onex_stubs"] = upgrade_files([after / "src" / "shop"])
        for item in upgrades["onex_stubs"]:
            if item.changed:
                write(item)
        for case in sorted((after / "src" / "nodes").iterdir()):
            if not (case / "smoke.py").is_file() or case.name.startswith("onex_stub_"):
                continue
            add = (case / "add.txt").read_text().strip() if (case / "add.txt").is_file() else None
            upgrades[case.name] = upgrade_files([case], add=None if add is None else add.split(","))
            for item in upgrades[case.name]:
                if item.changed:
                    write(item)
    finally:
        sys.path.remove(str(after / "site"))
    topic = asyncio.run(kafka_broker.create_topic())
    with ConsulAgentStandIn() as agent:
        host, port = agent.url.removeprefix("http://").split(":")
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap_servers, "SMOKE_TOPIC": topic,
               "CONSUL_HOST": host, "CONSUL_PORT": port.rstrip("/")}
        ran_before = _run_corpus(before, env)
        ran_after = _run_corpus(after, env)
    return Smoke(before, after, ran_before, ran_after, upgrades)


def test_the_corpus_covers_what_the_issue_asks_for(smoke: Smoke) -> None:
    print(summary(smoke))
    cases = set(smoke.ran_before)
    assert len(cases) >= 40
    prefixes = ("svc_", "sync_", "own_", "decl_", "seed_", "onex_stub_")
    assert all(sum(case.startswith(prefix) for case in cases) >= 4 for prefix in prefixes)
    # the corpus really runs: most nodes work before the upgrade
    working = [case for case, steps in smoke.ran_before.items() if "ok" in steps.get("cleanup", {})]
    assert len(working) >= 36, {case: steps for case, steps in smoke.ran_before.items() if case not in working}


def test_after_the_upgrade_nothing_fails_that_worked_before(smoke: Smoke) -> None:
    regressions = {}
    for case, steps in smoke.ran_before.items():
        after = smoke.ran_after[case]
        for step, outcome in steps.items():
            if "ok" not in outcome:
                continue
            if "ok" not in after.get(step, {}):
                regressions[case] = (step, after.get(step))
                break
            if step == "health" and outcome["ok"] is not None:
                if HEALTH_RANK[after[step]["ok"]] < HEALTH_RANK[outcome["ok"]]:
                    regressions[case] = (step, outcome["ok"], after[step]["ok"])
                    break
            elif step != "health" and after[step]["ok"] != outcome["ok"]:
                regressions[case] = (step, outcome["ok"], after[step]["ok"])
                break
    assert regressions == {}


def test_errors_callers_see_are_the_same(smoke: Smoke) -> None:
    """A node that raised before raises the same exception after (no error mapping unless asked)."""
    (case,) = [name for name in smoke.ran_before if name == "process_raises_value_error"]
    before, after = smoke.ran_before[case]["exercise"], smoke.ran_after[case]["exercise"]
    assert before["error"] == after["error"] == "ValueError"


def test_the_upgrade_did_work_and_said_why_it_left_the_rest(smoke: Smoke) -> None:
    applied = {case: {c for item in items for node in item.result.nodes for c in node.concerns}
               for case, items in smoke.upgrades.items()}
    skipped = {case: {s.concern: s.reason for item in items for node in item.result.nodes for s in node.skipped}
               for case, items in smoke.upgrades.items()}
    changed = [case for case, items in smoke.upgrades.items() if any(item.changed for item in items)]
    assert len(changed) >= 20
    assert "metrics" in applied["svc_vendor_audit_mixin"] and "health" in applied["svc_vendor_audit_mixin"]
    assert "is async" in skipped["svc_async_get_metrics"]["metrics"]
    assert "DynamicEffect could not be read" in skipped["svc_dynamic_base"]["health"]
    assert "Kafka producer" in skipped["own_kafka_producer"].get("kafka", "") or "kafka" not in applied["own_kafka_producer"]
    assert "cleanup() is the node's own" in skipped["sync_cleanup_consul"]["lifecycle"]
    assert {"kafka", "lifecycle", "health"} <= applied["kafka_errors_only"]
    assert smoke.ran_after["kafka_errors_only"]["health"]["ok"] == "healthy"  # its producer is started
    assert "error mapping changes which exceptions callers see" in skipped["process_raises_value_error"]["errors"]
    assert "metrics" in applied["decl_price_compute"]  # on its handler


def test_declarative_shells_stay_shells(smoke: Smoke) -> None:
    """The shells are not touched and pass the declarative rule (DCL001 of
    `codegen-ast validate`); what the upgrade did went into their handlers."""
    import libcst as cst

    shells = [name for name in smoke.ran_before if name.startswith("decl_")]
    for case in shells:
        node = smoke.after / "src" / "nodes" / case / "node.py"
        assert node.read_bytes() == (smoke.before / "src" / "nodes" / case / "node.py").read_bytes(), case
        classes = [item for item in cst.parse_module(node.read_text()).body if isinstance(item, cst.ClassDef)]
        assert classes and all(is_shell(item) for item in classes)
    report = validate([smoke.after / "src" / "nodes" / case for case in shells], level="basic")
    assert [finding for finding in report.findings if finding.rule.startswith("DCL")] == []
    handler = smoke.after / "src" / "nodes" / "decl_price_compute" / "handlers" / "handler_quote_price.py"
    assert "@_record_metrics" in handler.read_text() and "MixinMetrics" in handler.read_text()


def test_upgraded_imports_pass_ruffs_isort_rule_where_the_input_did(smoke: Smoke) -> None:
    before = ruff_import_findings(smoke.before / "src" / "nodes")
    after = ruff_import_findings(smoke.after / "src" / "nodes")
    assert after <= before, after - before


def summary(smoke: Smoke) -> dict[str, int]:
    """Counts for the closing note (python -c, or a debugger)."""
    def works(steps: dict[str, Any]) -> bool:
        return all("ok" in outcome for outcome in steps.values()) and "cleanup" in steps

    return {
        "cases": len(smoke.ran_before),
        "worked_before": sum(works(steps) for steps in smoke.ran_before.values()),
        "worked_after": sum(works(steps) for steps in smoke.ran_after.values()),
    }
