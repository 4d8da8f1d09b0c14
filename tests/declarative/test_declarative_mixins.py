"""The catalogue in the declarative shape, all four node types: every mixin a spec may add reaches the node
through the shell's bases (the shell still defines only ``__init__``), the packages
pass the production declarative-node validator and strict validation (mypy --strict),
and the node the framework creates has each mixin working."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from ruamel.yaml import YAML

from codegen_ast.cli import main
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.selection import SelectionError
from codegen_ast.spec import NodeSpec
from codegen_ast.readers import spec_from_data
from codegen_ast.target.catalogue import BY_NAME, CATALOGUE, NODE_TYPES
from codegen_ast.validate.pipeline import validate
from tests.checkers import declarative_nodes
from tests.conftest import MYPY_CACHE
from tests.declarative.conftest import EXAMPLES
from tests.imports import imported


def addable(node_type: str) -> list[str]:
    return [info.name for info in CATALOGUE if info.use == "base" and node_type in info.node_types]


def spec(name: str, node_type: str, mixins: list[str]) -> NodeSpec:
    return NodeSpec.model_validate(
        {"name": name, "node_type": node_type, "description": "Every mixin it may have.",
         "operations": ["run_once"], "mixins": mixins}
    )


# (package name, node type, mixins): every addable mixin but service mode on the plain
# base, service mode (the framework's wrapper) alone, and service mode with every other
# addable mixin; a reducer and an orchestrator are the examples' (a state machine,
# workflow steps) with those mixins
CASES = [(f"composed_{t}", t, [m for m in addable(t) if m != "MixinNodeService"]) for t in NODE_TYPES]
CASES += [(f"served_{t}", t, ["MixinNodeService"]) for t in NODE_TYPES]
CASES += [(f"served_all_{t}", t, addable(t)) for t in NODE_TYPES]
EXAMPLE_OF = {"reducer": "basket_fsm_reducer", "orchestrator": "checkout_workflow_orchestrator"}


def case_spec(name: str, node_type: str, mixins: list[str]) -> NodeSpec:
    if node_type not in EXAMPLE_OF:
        return spec(name, node_type, mixins)
    data = YAML(typ="safe").load((EXAMPLES / f"{EXAMPLE_OF[node_type]}.yaml").read_text(encoding="utf-8"))
    return spec_from_data(data | {"name": name, "mixins": mixins})


class RecordingBus:
    """A bus the framework's publish_event delivers to (publish_async)."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def publish_async(self, envelope: Any) -> None:
        self.envelopes.append(envelope)


def test_every_addable_mixin_is_a_base_of_the_shell_and_works(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folders = [generate_declarative(case_spec(*case)).write(out) for case in CASES]
    write_support(out)
    checked = declarative_nodes(out)
    assert checked.passed and checked.files_checked == len(CASES), checked.violations
    report = validate(folders, level="strict", mypy_cache=MYPY_CACHE)
    assert report.passed, report.render_text()
    logging.disable(logging.CRITICAL)
    try:
        for (name, node_type, mixins), folder in zip(CASES, folders, strict=True):
            with imported(folder) as module:
                node_class = getattr(module, case_spec(name, node_type, mixins).class_name)
                assert [n for n in vars(node_class) if callable(vars(node_class)[n])] == ["__init__"]
                node = node_class(ModelONEXContainer())
            mro = {cls.__name__ for cls in type(node).__mro__}
            assert set(mixins) <= mro, (name, set(mixins) - mro)
            if name.startswith("served"):
                assert node.get_service_health()["status"]  # MixinNodeService, from the wrapper
            if name.startswith("served_all") or name in ("served_effect", "served_orchestrator"):
                # LongLivedNode after the wrapper: the framework's publish_event delivers and does not raise
                assert [cls.__name__ for cls in type(node).__mro__][2:4] == ["LongLivedNode", "MixinNodeService"]
                bus = RecordingBus()
                node.bind_event_bus(bus)
                asyncio.run(node.publish_event("served.checked"))  # the wrapper alone: TypeError after delivering
                assert [envelope.payload.event_type for envelope in bus.envelopes] == ["served.checked"]
            if not name.startswith("served_") or name.startswith("served_all"):
                assert node.validate_required(1, "value") == 1  # MixinFailFast
                assert node.get_cache_stats()["enabled"] is True  # MixinCaching
                node.record_metric("calls", 1.0)  # MixinMetrics
                assert node.get_metrics()["calls"]
    finally:
        logging.disable(logging.NOTSET)


def test_the_service_shell_takes_other_mixins_after_the_fix_base_and_explain_says_why(tmp_path: Path) -> None:
    node_py = generate_declarative(spec("served", "effect", ["MixinNodeService", "MixinEventBus", "MixinMetrics"])).files["node.py"]
    assert "class NodeServedEffect(ModelServiceEffect, LongLivedNode):" in node_py  # the wrapper has them
    node_py = generate_declarative(spec("served", "effect", ["MixinNodeService", "MixinCaching"])).files["node.py"]
    assert "class NodeServedEffect(ModelServiceEffect, LongLivedNode, MixinCaching):" in node_py
    assert "from onex_support.service_mode import LongLivedNode" in node_py
    compute = generate_declarative(spec("served", "compute", ["MixinNodeService", "MixinFailFast"])).files["node.py"]
    assert "MixinFailFast" in compute and "LongLivedNode" not in compute  # no event bus: no clash to mend
    given = tmp_path / "served.yaml"
    given.write_text("name: served\nnode_type: effect\ndescription: Served.\nmixins: [MixinNodeService, MixinCaching]\n")
    explained = CliRunner().invoke(main, ["explain", str(given)])
    assert explained.exit_code == 0, explained.output
    assert ("shell base:   ModelServiceEffect  (omnibase_core.nodes.node_service_effect), then LongLivedNode  "
            "(onex_support.service_mode)") in explained.output
    assert "MixinCaching further bases; then LongLivedNode (onex_support.service_mode), before the wrapper's " \
           "MixinNodeService: MixinNodeService and MixinEventBus define _log_info/_log_error differently" in explained.output


@pytest.mark.parametrize("name", ["MixinCLIHandler", "MixinContractMetadata"])
def test_a_refused_mixin_is_refused_with_the_frameworks_reason(name: str) -> None:
    with pytest.raises(SelectionError) as refused:
        generate_declarative(spec("refused", "effect", [name]))
    assert f"mixin {name} cannot be a base of the effect node: {BY_NAME[name].reason}" in str(refused.value)
