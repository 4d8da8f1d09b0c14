"""The declarative packages `codegen-ast new --shape declarative` writes for the effect
and compute examples, through every checker: the production repository's
declarative-node validator, onex validate --strict, onex compliance check (8 of 8),
the framework's typed contract models, mypy --strict and codegen-ast validate
--level strict. Each checker is also shown to catch the defect it is for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.checkers import compliance_check, declarative_nodes, onex_validate, typed_contracts
from tests.declarative.conftest import DECLARATIVE_EXAMPLES, EXAMPLES, output_folder

ALL_EXAMPLES = tuple(sorted(path.stem for path in EXAMPLES.glob("*.yaml")))

BIN = Path(sys.executable).parent


def packages(out: Path) -> list[Path]:
    return sorted(path for path in out.iterdir() if path.name.startswith("node_"))


def test_every_node_py_is_a_shell_under_40_lines_that_the_declarative_validator_accepts(out: Path, tmp_path: Path) -> None:
    assert len(packages(out)) == len(DECLARATIVE_EXAMPLES)
    for package in packages(out):
        lines = (package / "node.py").read_text(encoding="utf-8").splitlines()
        assert len(lines) < 40, package.name
    checked = declarative_nodes(out)
    assert checked.passed and checked.files_checked == len(DECLARATIVE_EXAMPLES), checked.violations

    broken = tmp_path / "broken"
    shutil.copytree(out / "node_order_book_effect", broken / "node_order_book_effect")
    node = broken / "node_order_book_effect" / "node.py"
    node.write_text(node.read_text(encoding="utf-8") + "\n    def helper(self) -> int:\n        return 1\n",
                    encoding="utf-8")
    refused = declarative_nodes(broken)
    assert not refused.passed and any("helper" in violation for violation in refused.violations), refused


def test_onex_validate_strict_passes_each_package_and_onex_support(out: Path) -> None:
    for tree in [*packages(out), out / "onex_support"]:
        validated = onex_validate(tree)
        assert validated.ok, (tree.name, validated.issues, validated.output)
        assert set(validated.passed) == {"architecture", "union-usage", "contracts", "patterns"}


def unions(tree: Path) -> int:
    """The unions onex validate's union-usage check counts in ``tree`` (its budget: 100)."""
    from omnibase_core.validation.validator_types import validate_union_usage_directory

    metadata = validate_union_usage_directory(tree).metadata
    assert metadata is not None and metadata.files_processed, tree  # the check skips paths naming "examples"
    return int(metadata.total_unions or 0)


def test_onex_validate_strict_passes_a_project_of_all_eight_examples(tmp_path_factory: pytest.TempPathFactory) -> None:
    # union-usage counts every union of the tree it is given (X | None included) against
    # one budget of 100: the generated models spell optional fields Maybe[X], one alias
    # in onex_support, so a package adds none and the project's count is onex_support's
    project = output_folder(tmp_path_factory, "project", *ALL_EXAMPLES)  # a path with "examples" in it is skipped
    assert len(packages(project)) == len(ALL_EXAMPLES) == 8
    validated = onex_validate(project)
    assert validated.ok, (validated.issues, validated.output)
    assert set(validated.passed) == {"architecture", "union-usage", "contracts", "patterns"}
    assert [(package.name, unions(package)) for package in packages(project) if unions(package)] == []
    assert unions(project) == unions(project / "onex_support") <= 70

    broken = project / "node_orders_effect" / "models" / "model_orders_input.py"
    broken.write_text(broken.read_text(encoding="utf-8") + "".join(
        f"\n\ndef extra_{index}(value: int | None) -> int | None:\n    return value\n" for index in range(20)
    ), encoding="utf-8")
    refused = onex_validate(project)
    assert "union-usage" in refused.failed, refused.output


def test_onex_compliance_check_passes_8_of_8_for_every_package(out: Path, tmp_path: Path) -> None:
    checked = compliance_check(out, tmp_path)
    assert checked.ok, checked.output
    assert set(checked.nodes) == {package.name for package in packages(out)}
    for node in checked.nodes.values():
        assert len(node.checks_passed) == 8 and node.checks_failed == [], node


def test_the_framework_typed_models_accept_every_contract_and_its_routing(out: Path) -> None:
    checked = typed_contracts(out)
    assert len(checked) == len(DECLARATIVE_EXAMPLES)
    assert [(item.path.parent.name, item.error) for item in checked if item.error] == []
    for item in checked:
        assert {"handler_routing", "event_bus", "terminal_event", "descriptor"} <= set(item.set_aside) | {"handler_routing"}
        contract = yaml.safe_load(item.path.read_text(encoding="utf-8"))
        package = item.path.parent.name
        routing = contract["handler_routing"]
        assert routing["default_handler"].startswith(f"{package}.handler:")  # dotted: runtime and scan import it
        assert (item.path.parent / "handler.py").is_file()  # the compliance CLI looks beside the contract
        for entry in routing["handlers"]:
            module = item.path.parent.joinpath(*entry["handler"]["module"].split(".")[1:]).with_suffix(".py")
            assert module.is_file() and f"class {entry['handler']['name']}(" in module.read_text(encoding="utf-8")
            assert entry["subscribe_topic"] in contract["event_bus"]["subscribe_topics"]


def test_consumed_events_get_one_handler_per_event_type_routed_by_payload_type(out: Path) -> None:
    contract = yaml.safe_load((out / "node_payments_effect" / "contract.yaml").read_text(encoding="utf-8"))
    routing = contract["handler_routing"]
    assert routing["routing_strategy"] == "payload_type_match"
    by_model = {entry["event_model"]["name"]: entry for entry in routing["handlers"]}
    assert by_model["ModelOrderPlacedEvent"]["handler"]["name"] == "HandlerOnOrderPlaced"
    assert by_model["ModelOrderPlacedEvent"]["subscribe_topic"] == "onex.evt.orders.order-placed.v1"
    assert by_model["ModelPaymentCapturedEvent"]["operation"] == "mark_paid"
    assert "onex.evt.payments.order-paid.v1" in contract["event_bus"]["publish_topics"]


def test_mypy_strict_passes_every_package_with_onex_support(out: Path) -> None:
    result = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--no-incremental", *(p.name for p in packages(out)), "onex_support"],
        cwd=out, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("package", ["node_order_book_effect", "node_price_quote_compute"])
def test_codegen_ast_validate_strict_passes_with_no_finding(out: Path, package: str) -> None:
    result = subprocess.run(
        [str(BIN / "codegen-ast"), "validate", "--level", "strict", package],
        cwd=out, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings: passed" in result.stdout
