"""Packages generated from contracts that carry sections the framework's strict
contract model refuses (``error_handling`` extras, ``metadata``, ``status``, v2
mixin configurations...) work and pass their own generated tests: the node and its
tests read contract.yaml as the framework's runtime does (a mapping, each section
judged by what reads it), so a carried section never stops them."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.target import node_kind
from tests.conftest import ROOT

CONTRACTS = [
    ROOT / "tests" / "contracts" / "node_card_charge_effect.yaml",  # error_handling.error_types, status, metadata
    ROOT / "tests" / "contracts" / "node_build_status_reducer.yaml",  # a state machine beside carried sections
    ROOT / "tests" / "contracts" / "v2" / "node_metrics_aggregator_reducer.yaml",  # v2: fsm, kept subcontracts
]


def test_the_generated_packages_pass_their_own_tests(tmp_path: Path) -> None:
    packages = [generate(read_spec(path).spec) for path in CONTRACTS]
    texts = {package.name: package.files["contract.yaml"] for package in packages}
    # the framework's strict contract model (ModelContractEffect.from_yaml...) refuses each contract
    # as carried: what the packages must survive
    for package in packages:
        model = node_kind(package.spec.node_type).contract_model
        with pytest.raises(Exception, match="validation error"):
            getattr(importlib.import_module(model.module), model.name).model_validate(yaml.safe_load(texts[package.name]))
    for package in packages:
        package.write(tmp_path)
        tests = package.files["tests/test_node.py"]
        assert "test_contract_routes_the_operations_as_the_framework_runtime_reads_it" in tests
        assert "from_yaml" not in package.files["node.py"]
        assert yaml.safe_load(package.files["contract.yaml"])["handler_routing"]["handlers"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         *(package.name for package in packages)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout and "error" not in result.stdout.lower()


def test_the_declarative_shape_carries_the_kept_sections_too() -> None:
    from codegen_ast.declarative.generate import generate_declarative

    path = CONTRACTS[0]
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = read_spec(path).spec
    contract = yaml.safe_load(generate_declarative(spec).files["contract.yaml"])
    assert spec.kept and spec.declared is not None and spec.declared.carried
    for key in [*spec.kept, *spec.declared.carried]:
        if key != "descriptor":  # the shape writes its own descriptor
            assert contract[key] == source[key], key
