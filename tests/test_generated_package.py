"""The bundled example, generated and then used as a user would use it."""

from __future__ import annotations

import ast
import asyncio
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import black
import pytest
from mypy import api as mypy_api

from codegen_ast.generate import GeneratedPackage
from tests.conftest import MYPY_CACHE

BIN = Path(sys.executable).parent
PACKAGE = "node_orders_effect"


def test_every_file_is_black_stable_and_compiles(example_package: GeneratedPackage) -> None:
    python_files = {path: text for path, text in example_package.files.items() if path.endswith(".py")}
    assert len(python_files) == 10
    for path, text in python_files.items():
        assert black.format_str(text, mode=black.Mode()) == text, path
        compile(text, path, "exec")


def test_layout_is_the_production_one(example_package: GeneratedPackage) -> None:
    assert set(example_package.files) == {
        "__init__.py",
        "contract.yaml",
        "node.py",
        "handlers/__init__.py",
        "handlers/handler_create_order.py",
        "handlers/handler_get_order.py",
        "models/__init__.py",
        "models/model_orders_input.py",
        "models/model_orders_output.py",
        "tests/__init__.py",
        "tests/test_node.py",
        "codegen-manifest.json",
    }


def test_node_extends_the_service_wrapper_and_overrides_process(example_package: GeneratedPackage) -> None:
    tree = ast.parse(example_package.files["node.py"])
    node_class = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    assert node_class.name == "NodeOrdersEffect"
    assert [ast.unparse(base) for base in node_class.bases] == ["ModelServiceEffect"]
    methods = {n.name: n for n in node_class.body if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef)}
    assert isinstance(methods["process"], ast.AsyncFunctionDef)
    assert {"get_health_checks", "_check_self_health", "get_operation_metrics"} <= set(methods)


def test_mypy_strict_reports_no_errors(example_dir: Path) -> None:
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(MYPY_CACHE), str(example_dir / PACKAGE)]
    )
    assert status == 0, stdout + stderr
    assert "Success: no issues found in 10 source files" in stdout


def test_onex_validate_strict_passes(example_dir: Path) -> None:
    result = subprocess.run(
        [str(BIN / "onex"), "validate", "--strict", PACKAGE],
        cwd=example_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All validations passed!" in result.stdout


def test_generated_tests_pass(example_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-o", "asyncio_default_fixture_loop_scope=function", PACKAGE],
        cwd=example_dir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout


@pytest.fixture
def generated(example_dir: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(example_dir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(example_dir))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_import_instantiate_process_and_health(generated: ModuleType) -> None:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer
    from omnibase_core.models.health.model_health_status import ModelHealthStatus

    node = generated.NodeOrdersEffect(ModelONEXContainer())
    request = generated.ModelOrdersInput(operation="create_order", order_id="A-1", amount=12.5)

    output = asyncio.run(node.process(request))

    assert isinstance(output, generated.ModelOrdersOutput)
    assert output.order_id == "A-1"
    assert output.amount == 12.5
    assert output.result == {"order_id": "A-1", "amount": 12.5, "accepted": False}
    assert output.correlation_id == request.correlation_id
    statuses = [check() for check in node.get_health_checks()]
    assert statuses and all(isinstance(status, ModelHealthStatus) for status in statuses)
    assert node.get_operation_metrics()["operations"] == 1


def test_contract_loads_with_the_framework_model(example_package: GeneratedPackage) -> None:
    from omnibase_core.models.contracts import ModelContractEffect

    contract = ModelContractEffect.from_yaml(example_package.files["contract.yaml"])

    assert contract.name == "orders"
    assert contract.description == "Order persistence for the shop."
    assert [op.operation_type for op in contract.io_operations or []] == ["create_order", "get_order"]
