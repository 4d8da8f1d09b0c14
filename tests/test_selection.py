"""The mixin selector: deterministic choices, explained, and refusals that say why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mypy import api as mypy_api

from codegen_ast.cli import main
from codegen_ast.errors import SpecError
from codegen_ast.generate import generate
from codegen_ast.readers import spec_from_data
from codegen_ast.selection import SelectionError, select
from codegen_ast.spec import NodeSpec
from tests.conftest import MYPY_CACHE
from tests.imports import imported


def spec(**fields: Any) -> NodeSpec:
    return NodeSpec.model_validate({"name": "orders", "node_type": "effect", "description": "Orders.", **fields})


def test_selection_is_deterministic() -> None:
    everything = spec(dependencies=["kafka", "postgres", "consul"], features=["events", "consul"])
    assert select(everything) == select(everything)
    assert select(everything).integrations == ("postgres", "kafka")  # start order, not spec order


@pytest.mark.parametrize(
    ("fields", "integration", "reason"),
    [
        ({"dependencies": ["redis"]}, "redis", "declared in dependencies"),
        ({"domain": "SQL reporting"}, "postgres", "domain 'SQL reporting' mentions 'sql'"),
        ({"operations": ["publish_invoice"]}, "kafka", "an operation name mentions 'publish'"),
        ({"domain": "REST gateway"}, "http", "domain 'REST gateway' mentions 'rest'"),
    ],
)
def test_integrations_are_detected_with_a_reason(fields: dict[str, Any], integration: str, reason: str) -> None:
    selection = select(spec(**fields))
    assert selection.integrations == (integration,)
    assert ("integration", integration, reason) in selection.log


def test_words_inside_other_words_do_not_count() -> None:
    assert select(spec(domain="restaurants", operations=["restore_backup"])).integrations == ()


def test_wrapper_by_default_and_requested_wrapper_mixins_are_noted() -> None:
    selection = select(spec(mixins=["MixinHealthCheck"]))
    assert selection.base.name == "ModelServiceEffect"
    assert selection.mixins == ()
    assert ("mixin", "MixinHealthCheck", "already provided by ModelServiceEffect") in selection.log


@pytest.mark.parametrize(
    ("fields", "bases", "why"),
    [
        (
            {"features": ["no_service_mode"]},
            ("NodeEffect", "MixinHealthCheck", "MixinEventBus", "MixinMetrics"),
            "features has no_service_mode",
        ),
        (
            {"mixins": ["Caching"]},
            ("MixinNodeService", "NodeEffect", "MixinHealthCheck", "MixinEventBus", "MixinMetrics", "MixinCaching"),
            "MixinCaching is not part of ModelServiceEffect",
        ),
    ],
)
def test_custom_composition(fields: dict[str, Any], bases: tuple[str, ...], why: str) -> None:
    selection = select(spec(**fields))
    assert selection.bases == bases
    assert selection.log[0] == ("base", "NodeEffect", f"plain base with explicit mixins: {why}")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"node_type": "effect", "mixins": ["MixinFSMExecution"]}, "cannot be a base of the effect node: NodeReducer already has it"),
        ({"features": ["no_service_mode"], "mixins": ["MixinNodeService"]}, "keep one of them"),
        ({"mixins": ["MixinDiscovery"]}, "cannot be a base of the effect node: it is a tool over the framework's mixin_metadata.yaml"),
        ({"mixins": ["MixinCLIHandler"]}, r"main\(\) calls self.process\(input_state\)"),
        ({"node_type": "effect", "mixins": ["MixinComputeExecution"]}, "it serves compute nodes"),
    ],
)
def test_incompatible_combinations_are_rejected(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(SelectionError, match=message):
        select(spec(**fields))


@pytest.mark.parametrize(
    ("mixin", "message"),
    [
        ("MixinRetry", "does not exist in omnibase-core 0.47: retry is built into NodeEffect"),
        ("MixinCachingg", "did you mean 'MixinCaching'?"),
    ],
)
def test_unknown_and_removed_mixins_are_rejected(mixin: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        spec_from_data({"name": "orders", "node_type": "effect", "description": "x", "mixins": [mixin]})


def test_custom_compositions_of_every_node_type_work(tmp_path: Path) -> None:
    packages = [
        generate(spec(name="plain", node_type=node_type, features=["no_service_mode"], mixins=["Caching"])).write(tmp_path)
        for node_type in ("effect", "compute", "reducer", "orchestrator")
    ]
    stdout, stderr, status = mypy_api.run(["--strict", "--cache-dir", str(MYPY_CACHE), *map(str, packages)])
    assert status == 0, stdout + stderr
    import asyncio

    from omnibase_core.models.container.model_onex_container import ModelONEXContainer

    for package in packages:
        with imported(package) as module:
            node_class = next(getattr(module, n) for n in module.__all__ if n.startswith("Node"))
            assert "ModelService" not in " ".join(c.__name__ for c in node_class.__mro__)
            node = node_class(ModelONEXContainer())
            request = next(getattr(module, n) for n in module.__all__ if n.endswith("Input"))(operation="execute")
            asyncio.run(node.process(request))
            assert node.get_operation_metrics()["successes"] == 1


def test_explain_prints_every_decision(tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text("name: orders\nnode_type: effect\ndescription: Orders.\ndomain: database\n")
    text = CliRunner().invoke(main, ["explain", str(spec_file)])
    assert text.exit_code == 0
    assert "base class:   ModelServiceEffect" in text.output
    assert "postgres                   domain 'database' mentions 'database'" in text.output

    data = CliRunner().invoke(main, ["explain", str(spec_file), "--format", "json"])
    decoded = json.loads(data.stdout)
    assert decoded["base"] == "omnibase_core.nodes.node_service_effect.ModelServiceEffect"
    assert decoded["integrations"] == ["postgres"]
    assert {"topic": "integration", "choice": "postgres", "reason": "domain 'database' mentions 'database'"} in decoded["log"]


def test_explain_rejects_a_conflict_with_exit_code_2(tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text("name: orders\nnode_type: effect\ndescription: x\nmixins: [MixinFSMExecution]\n")
    result = CliRunner().invoke(main, ["explain", str(spec_file)])
    assert result.exit_code == 2
    assert "MixinFSMExecution cannot be a base of the effect node: NodeReducer already has it" in result.output


def _node(node_type: str, **fields: Any) -> NodeSpec:
    return NodeSpec.model_validate({"name": "orders", "node_type": node_type, "description": "Orders.", **fields})


@pytest.mark.parametrize(
    ("node", "variant", "brings"),
    [
        (_node("effect", database={"table": "orders", "key": "order_id"}, operations=["read_order"],
               input_fields=[{"name": "order_id", "type": "str"}]),
         "database", {"postgres"}),
        (_node("effect", input_fields=[{"name": "sku", "type": "str"}],
               operations=[{"name": "get_item", "http": {"method": "GET", "path": "/items/{sku}"}}]),
         "api", {"http", "http_endpoints"}),
        (_node("effect", dependencies=["kafka"]), "kafka", {"kafka", "events"}),
        (_node("compute", domain="ML inference"), "ml", {"caching"}),
        (_node("reducer", domain="sales analytics"), "analytics", {"caching"}),
        (_node("orchestrator", operations=[{"name": "place", "steps": [{"name": "notify", "publish": "order.placed"}]}]),
         "workflow", {"workflow", "events"}),
        (_node("effect", variant="database"), "database", {"postgres"}),  # declared: brings its integration
        (_node("compute"), None, set()),
    ],
)
def test_variants_are_pattern_profiles_chosen_by_the_selector(node: NodeSpec, variant: str | None, brings: set[str]) -> None:
    selection = select(node)
    assert selection.variant == variant
    assert brings <= set(selection.patterns)
    if variant is not None:
        assert any(d.topic == "variant" and d.choice == variant for d in selection.log)


def test_a_variant_of_another_node_type_is_refused() -> None:
    with pytest.raises(ValueError, match="variant 'ml' is for compute nodes, not effect nodes"):
        _node("effect", variant="ml")


def test_compute_and_reducer_nodes_get_an_event_bus_when_they_declare_events() -> None:
    selection = select(_node("reducer", events={"publishes": [{"event_type": "orders.counted"}]}))
    assert "MixinEventBus" in selection.mixins and "events" in selection.patterns
    assert ("mixin", "MixinEventBus", "publishes events: events are declared") in selection.log


def test_caching_on_an_effect_is_explained_not_generated() -> None:
    selection = select(_node("effect", features=["caching"]))
    assert "caching" not in selection.patterns
    assert any(d.choice == "caching" and d.reason.startswith("skipped: cache-aside is generated for compute") for d in selection.log)


def test_explain_says_which_base_the_declarative_shell_takes_and_why(tmp_path: Path) -> None:
    """A node declared as a long-lived service keeps the framework's service wrapper as
    its shell's only base; any other takes the plain node class. explain says why."""
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: orders\nnode_type: reducer\ndescription: Orders.\n")
    service = tmp_path / "service.yaml"
    service.write_text("name: orders\nnode_type: reducer\ndescription: Orders.\nmixins: [MixinNodeService]\n")
    text = CliRunner().invoke(main, ["explain", str(plain)])
    assert text.exit_code == 0
    assert "shell base:   NodeReducer  (omnibase_core.nodes)" in text.output
    assert "shell        NodeReducer                no long-lived service declared" in text.output
    decoded = json.loads(CliRunner().invoke(main, ["explain", str(service), "--format", "json"]).stdout)
    assert decoded["shell_base"] == "omnibase_core.nodes.node_service_reducer.ModelServiceReducer"
    shell = decoded["log"][0]
    assert (shell["topic"], shell["choice"]) == ("shell", "ModelServiceReducer")
    assert "declares a long-lived service (MixinNodeService in mixins)" in shell["reason"]
    assert "stays a shell" in shell["reason"]
