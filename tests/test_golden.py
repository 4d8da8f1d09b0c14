"""Golden cases: every node type x {minimal, database, api, events, cache, everything}.

The committed packages under tests/cases/ must be exactly what the generator
writes (regenerate with ``.venv/bin/python -m tests.golden``), and each must
be a working node: mypy --strict clean, onex validate --strict clean, its own
tests green, and usable in process.
"""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from mypy import api as mypy_api

from codegen_ast.readers import read_node_spec
from codegen_ast.selection import select
from tests.conftest import MYPY_CACHE
from tests.golden import case_dirs, drift, package_dirs
from tests.imports import imported

BIN = Path(sys.executable).parent
CASES = case_dirs()

# The selector's decision for each golden spec: base class, integrations, and
# the patterns beyond the ones every node gets.
ALWAYS = ("logging", "health_check_mode", "routing", "errors", "metrics", "health")
_VARIANTS = {
    "minimal": ((), ()),
    "database": (("postgres",), ("postgres", "lifecycle")),
    "api": (("http",), ("http", "lifecycle")),
    "events": (("kafka",), ("kafka", "events", "lifecycle")),
    "cache": (("redis",), ("redis", "lifecycle")),
    "everything": (
        ("postgres", "redis", "http", "kafka"),
        ("postgres", "redis", "http", "kafka", "consul", "events", "lifecycle"),
    ),
}
_WRAPPERS = {
    "effect": ("ModelServiceEffect", ("publish_event_fix",)),
    "compute": ("ModelServiceCompute", ()),
    "reducer": ("ModelServiceReducer", ()),
    "orchestrator": ("ModelServiceOrchestrator", ("publish_event_fix",)),
}
EXPECTED_SELECTION = {
    f"{node_type}_{variant}": (base, integrations, patterns + fix)
    for node_type, (base, fix) in _WRAPPERS.items()
    for variant, (integrations, patterns) in _VARIANTS.items()
}
# the caching feature gives compute and reducer nodes cache-aside (effect and
# orchestrator nodes skip it: their answer depends on the outside world)
for _case in ("compute_cache", "compute_everything", "reducer_cache", "reducer_everything"):
    _base, _integrations, _patterns = EXPECTED_SELECTION[_case]
    EXPECTED_SELECTION[_case] = (_base, _integrations, (*_patterns, "caching"))
# effect_everything declares capabilities and orchestrator_everything the discovery feature
for _case in ("effect_everything", "orchestrator_everything"):
    _base, _integrations, _patterns = EXPECTED_SELECTION[_case]
    EXPECTED_SELECTION[_case] = (_base, _integrations, (*_patterns, "discovery"))
# effect_api declares the circuit_breaker feature: http_call behind a circuit breaker
_base, _integrations, _patterns = EXPECTED_SELECTION["effect_api"]
EXPECTED_SELECTION["effect_api"] = (_base, _integrations, (*_patterns, "circuit_breaker"))


def test_every_node_type_and_variant_has_a_case() -> None:
    assert {case.name for case in CASES} == set(EXPECTED_SELECTION)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_committed_package_matches_the_generator(case: Path) -> None:
    problems = drift(case)
    assert not problems, "golden drift (run `.venv/bin/python -m tests.golden` and review):\n" + "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_selector_decision(case: Path) -> None:
    base, integrations, extra_patterns = EXPECTED_SELECTION[case.name]
    selection = select(read_node_spec(case / "spec.yaml"))
    assert selection.base.name == base
    assert selection.integrations == integrations
    assert set(selection.patterns) == set(ALWAYS) | set(extra_patterns)
    assert {decision.choice for decision in selection.log if decision.topic == "integration"} == set(integrations)


def test_all_packages_pass_mypy_strict_in_one_run() -> None:
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(MYPY_CACHE), *(str(p) for p in package_dirs())]
    )
    assert status == 0, stdout + stderr


def test_all_packages_pass_onex_validate_strict() -> None:
    result = subprocess.run(
        [str(BIN / "onex"), "validate", "--strict", *(str(p) for p in package_dirs())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_tests_of_every_package_pass() -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-o", "asyncio_default_fixture_loop_scope=function",
            "--rootdir", str(CASES[0].parent),
            *(str(p) for p in package_dirs()),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


_PLACEHOLDERS = ("TODO", "FIXME", "NotImplementedError")


def _placeholders(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = [f"{path}: {word}" for word in _PLACEHOLDERS if word in source]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Pass):
            found.append(f"{path}:{node.lineno}: pass")
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis:
            found.append(f"{path}:{node.lineno}: ...")
    return found


def test_no_placeholders_in_any_golden_package() -> None:
    files = [f for p in package_dirs() for f in p.rglob("*.py")]
    assert len(files) >= 9 * len(package_dirs())
    found = [item for f in files for item in _placeholders(f)]
    assert found == []


def test_the_placeholder_count_can_fail(tmp_path: Path) -> None:
    stub = tmp_path / "stub.py"
    stub.write_text("def f() -> None:\n    pass\n\n\ndef g() -> None:\n    ...\n\n\nraise NotImplementedError  # TODO\n")
    assert len(_placeholders(stub)) == 4


@pytest.mark.parametrize("package", package_dirs(), ids=lambda p: p.parent.name)
def test_process_health_metrics_and_cleanup_in_process(package: Path) -> None:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer
    from omnibase_core.models.health.model_health_status import ModelHealthStatus

    with imported(package) as module:
        node_class = next(getattr(module, n) for n in module.__all__ if n.startswith("Node"))
        input_model = next(getattr(module, n) for n in module.__all__ if n.endswith("Input"))
        output_model = next(getattr(module, n) for n in module.__all__ if n.endswith("Output"))
        operation = module.node.SUPPORTED_OPERATIONS[0]

        async def scenario() -> None:
            node = node_class(ModelONEXContainer())
            output = await node.process(input_model(operation=operation, item_id="A-1", quantity=2))
            assert isinstance(output, output_model)
            assert output.item_id == "A-1"
            for check in node.get_health_checks():
                outcome = check()
                status = outcome if isinstance(outcome, ModelHealthStatus) else await outcome
                assert isinstance(status, ModelHealthStatus)
            metrics = node.get_operation_metrics()
            assert (metrics["operations"], metrics["successes"], metrics["failures"]) == (1, 1, 0)
            await node.cleanup()
            assert asyncio.all_tasks() == {asyncio.current_task()}

        asyncio.run(scenario())
