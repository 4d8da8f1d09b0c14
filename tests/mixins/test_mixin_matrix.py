"""The compatibility matrix, tested: every allowed pair composes into a node class that
the framework creates and whose mixins both work, and type-checks with mypy --strict
(all pairs in one call); every refused pair says why, and mypy finds that clash."""

from __future__ import annotations

import asyncio
import importlib
import logging
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mypy import api as mypy_api
from omnibase_core.mixins import MixinEventBus
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.nodes import NodeCompute, NodeEffect, NodeOrchestrator, NodeReducer

from codegen_ast.target.catalogue import PairVerdict, ordered_bases, pair_verdicts
from tests.conftest import MYPY_CACHE

BASES = {"effect": NodeEffect, "compute": NodeCompute, "reducer": NodeReducer, "orchestrator": NodeOrchestrator}
GENERIC_BASES = {"compute", "reducer"}


async def _one() -> int:
    return 1


# one call per mixin that shows it works in the composed node (its state was set up)
SMOKE: dict[str, Callable[[Any], object]] = {
    "MixinCaching": lambda node: node.get_cache_stats()["enabled"],
    "MixinEventBus": lambda node: MixinEventBus.get_node_name(node),
    "MixinHealthCheck": lambda node: node.health_check().status,
    "MixinMetrics": lambda node: (node.record_metric("pairs", 1.0), node.get_metrics()["pairs"])[1],
    "MixinNodeService": lambda node: node.get_service_health()["status"],
    "MixinFailFast": lambda node: node.validate_required(1, "value"),
    "MixinTraceCapture": lambda node: asyncio.run(node.run_traced(_one()))[0],
    "MixinHandlerRouting": lambda node: node.is_routing_initialized is not None,
    "MixinNodeDispatch": lambda node: node.is_frozen is False,
    "MixinComputeExecution": lambda node: callable(node.validate_compute_contract),
    "MixinDiscoveryResponder": lambda node: node.get_discovery_stats()["active"] is False,
    "MixinEffectExecution": lambda node: callable(node.execute_effect),
    "MixinFSMExecution": lambda node: callable(node.execute_fsm_transition),
    "MixinWorkflowExecution": lambda node: callable(node.execute_workflow_from_contract),
}

VERDICTS = pair_verdicts()


def composed(verdict: PairVerdict) -> type:
    before, after = ordered_bases(verdict.node_type, [verdict.first, verdict.second])
    classes = [getattr(importlib.import_module(info.module), info.name) for info in (*before, *after)]
    bases = (*classes[: len(before)], BASES[verdict.node_type], *classes[len(before) :])
    return type(f"Node{verdict.first}{verdict.second}", bases, {})


def test_the_matrix_covers_every_pair_per_node_type() -> None:
    assert len(VERDICTS) == 4 * 11 * 10 // 2
    refused = [v for v in VERDICTS if not v.allowed]
    assert {(v.first, v.second) for v in refused} == {
        ("MixinEventBus", "MixinNodeService"), ("MixinHealthCheck", "MixinDiscoveryResponder")
    }
    assert len(refused) == 8
    assert all(v.reason for v in VERDICTS)


def test_every_allowed_pair_creates_a_working_node() -> None:
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for verdict in (v for v in VERDICTS if v.allowed):
                node = composed(verdict)(ModelONEXContainer())
                for name in (verdict.first, verdict.second):
                    assert SMOKE[name](node), (verdict, name)
    finally:
        logging.disable(logging.NOTSET)


def _class_source(index: int, verdict: PairVerdict) -> tuple[list[str], list[str]]:
    before, after = ordered_bases(verdict.node_type, [verdict.first, verdict.second])
    base = BASES[verdict.node_type].__name__
    if verdict.node_type in GENERIC_BASES:
        base += "[SerializedDict, SerializedDict]"
    names = [info.name + ("[Any, Any]" if info.generic else "") for info in (*before, *after)]
    bases = [*names[: len(before)], base, *names[len(before) :]]
    imports = [f"from {info.module} import {info.name}" for info in (*before, *after)]
    lines = [
        f"class Pair{index}({', '.join(bases)}):",
        "    def __init__(self, container: ModelONEXContainer) -> None:",
        "        super().__init__(container)",
        "",
    ]
    return imports, lines


def test_every_pair_type_checks_or_mypy_finds_its_clash(tmp_path: Path) -> None:
    imports = {
        "from typing import Any",
        "from omnibase_core.models.container.model_onex_container import ModelONEXContainer",
        "from omnibase_core.nodes import NodeCompute, NodeEffect, NodeOrchestrator, NodeReducer",
        "from omnibase_core.types.type_serializable_value import SerializedDict",
    }
    body: list[str] = []
    lines_of: dict[int, PairVerdict] = {}
    for index, verdict in enumerate(VERDICTS):
        more, lines = _class_source(index, verdict)
        imports.update(more)
        lines_of[index] = verdict
        body += lines
    header = sorted(imports)
    source = "\n".join([*header, "", "", *body])
    (tmp_path / "pairs.py").write_text(source + "\n", encoding="utf-8")
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(MYPY_CACHE), "--no-error-summary", str(tmp_path / "pairs.py")]
    )
    errors: dict[int, list[str]] = {}
    for line in stdout.splitlines():
        match = re.match(r".*pairs\.py:(\d+): error: (.*)", line)
        assert match, line
        number = int(match.group(1))
        errors.setdefault(number, []).append(match.group(2))
    text_lines = source.splitlines()
    by_class = {}
    for number in errors:
        owner = next(
            index for index in range(number, 0, -1) if text_lines[index - 1].startswith("class Pair")
        )
        by_class.setdefault(int(re.match(r"class Pair(\d+)", text_lines[owner - 1]).group(1)), []).extend(errors[number])
    refused = {index for index, verdict in lines_of.items() if not verdict.allowed}
    assert set(by_class) == refused, stderr
    for index in refused:
        verdict = lines_of[index]
        clashing = re.findall(r'Definition of "(\w+)"', " ".join(by_class[index]))
        assert clashing and all(name in verdict.reason for name in clashing), (verdict, by_class[index])
