"""The stub `onex new node` writes, upgraded: it passes `codegen-ast validate
--level standard`, type-checks (test_upgrade_corpus.py), runs, and a second
upgrade changes nothing."""

from __future__ import annotations

import asyncio
import importlib
import sys

from codegen_ast.upgrade.files import upgrade_files
from codegen_ast.validate import validate
from tests.upgrade.conftest import Scaffold


def test_upgraded_stubs_pass_validate_standard(scaffolds: list[Scaffold]) -> None:
    project = scaffolds[0].project
    report = validate([project / "src"], level="standard", display_root=project)
    assert report.errors == [], report.render_text()
    assert report.passed
    # what is left is the scaffold's own TODO text: warnings, for the user to act on
    assert {finding.rule for finding in report.warnings} <= {"CMP001", "STR007"}


def test_the_stub_became_a_framework_node(scaffolds: list[Scaffold]) -> None:
    for scaffold in scaffolds:
        text = scaffold.node_file.read_text(encoding="utf-8")
        wrapper = {"effect": "ModelServiceEffect", "compute": "ModelServiceCompute", "reducer": "ModelServiceReducer", "orchestrator": "ModelServiceOrchestrator"}[scaffold.kind]
        assert f"({wrapper}" in text and "async def process(" in text
        assert "raise NotImplementedError" not in text and "NotImplementedError" in scaffold.original
        # the scaffold's docstrings, TODO markers and all are still there
        for line in scaffold.original.splitlines():
            if line.strip() and not line.lstrip().startswith(("class ", "raise NotImplementedError")):
                assert line in text, line
        contract = (scaffold.package / "contract.yaml").read_text(encoding="utf-8")
        # the runtime's keys stay as they were (RuntimeLocal reads them); a description is added
        assert "\nhandler:\n" in contract and "\nterminal_event:" in contract and "description:" in contract


def test_a_second_upgrade_changes_nothing(scaffolds: list[Scaffold]) -> None:
    results = upgrade_files([scaffolds[0].project / "src"])
    assert [item.path for item in results if item.changed or item.result.error] == []


def test_the_upgraded_effect_stub_runs_end_to_end(scaffolds: list[Scaffold]) -> None:
    from omnibase_core.enums import EnumEffectType
    from omnibase_core.errors import ModelOnexError
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer
    from omnibase_core.models.effect.model_effect_input import ModelEffectInput

    (effect,) = [scaffold for scaffold in scaffolds if scaffold.kind == "effect"]
    sys.path.insert(0, str(effect.project / "src"))
    try:
        module = importlib.import_module("shop.nodes.stock.node_stock_effect")
    finally:
        sys.path.remove(str(effect.project / "src"))
    node = module.NodeStock(module.ModelONEXContainer())  # the scaffold's name still works
    assert isinstance(node, module.NodeStockEffect) and isinstance(module.ModelONEXContainer(), ModelONEXContainer)

    async def scenario() -> None:
        output = await node.process(ModelEffectInput(effect_type=EnumEffectType.API_CALL, operation_data={}))
        assert output.result == {}
        try:
            await node.process(ModelEffectInput(effect_type=EnumEffectType.API_CALL, operation_data={"unknown": 1}))
        except ModelOnexError as error:
            assert "VALIDATION_ERROR" in str(error.error_code)
        else:
            raise AssertionError("an input the handler's model forbids must fail")

    asyncio.run(scenario())
    metrics = node.get_operation_metrics()
    assert (metrics["operations"], metrics["successes"], metrics["failures"]) == (2, 1, 1)
    assert [check().status.value for check in node.get_health_checks()] == ["healthy"]
