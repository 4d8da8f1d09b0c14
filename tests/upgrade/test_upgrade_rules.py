"""One behaviour of the upgrade per test, on small before/after sources."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from codegen_ast import Contribution, UpgradeError, add_contributions, upgrade, upgrade_source
from codegen_ast import builders as b
from codegen_ast.upgrade import UnknownConcern
from codegen_ast.upgrade.preserve import lost_statements

NODE = textwrap.dedent(
    '''\
    from omnibase_core.models.effect.model_effect_input import ModelEffectInput
    from omnibase_core.models.effect.model_effect_output import ModelEffectOutput
    from omnibase_core.nodes import NodeEffect


    class NodeMailEffect(NodeEffect):
        """Sends mail."""

        async def process(self, input_data: ModelEffectInput) -> ModelEffectOutput:
            raise RuntimeError("no mail server")  # the user's own code
    '''
)


def method_names(source: str, class_name: str) -> list[str]:
    (node,) = [n for n in cst.parse_module(source).body if isinstance(n, cst.ClassDef) and n.name.value == class_name]
    assert isinstance(node.body, cst.IndentedBlock)
    return [item.name.value for item in node.body.body if isinstance(item, cst.FunctionDef)]


def test_only_the_requested_concerns_and_what_they_need_are_added() -> None:
    result = upgrade(NODE, add="errors")
    assert result.nodes[0].concerns == ("logging", "errors")
    assert method_names(result.source, "NodeMailEffect") == ["process", "_emit_log", "_wrap_error"]
    assert "@_map_errors\n    async def process" in result.source
    assert "MixinMetrics" not in result.source


def test_metrics_add_the_mixin_to_a_plain_base_and_wrap_process() -> None:
    source = upgrade_source(NODE, add="metrics")
    assert "class NodeMailEffect(NodeEffect, MixinMetrics):" in source
    assert "from omnibase_core.mixins.mixin_metrics import MixinMetrics" in source
    assert "@_record_metrics\n    async def process" in source
    assert "def _record_metrics[**P, R](" in source


def test_the_wrapper_already_brings_the_mixins() -> None:
    wrapped = NODE.replace("from omnibase_core.nodes import NodeEffect", "from omnibase_core.nodes.node_service_effect import ModelServiceEffect")
    wrapped = wrapped.replace("(NodeEffect)", "(ModelServiceEffect)")
    source = upgrade_source(wrapped, add="health,metrics")
    assert "class NodeMailEffect(ModelServiceEffect):" in source


def test_a_missing_init_is_created_with_the_attributes() -> None:
    source = upgrade_source(NODE, add="health_check_mode")
    assert "def __init__(self, container: ModelONEXContainer) -> None:" in source
    assert "self._health_check_mode = _detect_health_check_mode(container)" in source


def test_init_statements_follow_the_users_parameter_name_and_keep_their_code() -> None:
    with_init = NODE.replace(
        '    """Sends mail."""\n',
        '    """Sends mail."""\n\n    def __init__(self, services: ModelONEXContainer) -> None:\n'
        "        super().__init__(services)\n        self.outbox: list[str] = []  # sent mail\n",
    )
    source = upgrade_source(with_init, add="health_check_mode")
    assert "self.outbox: list[str] = []  # sent mail\n        self._health_check_mode = _detect_health_check_mode(services)" in source
    assert source.count("def __init__") == 1


def test_existing_members_are_matched_by_name_and_never_replaced() -> None:
    own = NODE.replace(
        '        raise RuntimeError("no mail server")  # the user\'s own code\n',
        '            raise RuntimeError("no mail server")  # the user\'s own code\n\n'
        "    def _wrap_error(self, error: Exception) -> Exception:\n        return error\n",
    )
    result = upgrade(own, add="errors")
    assert result.source.count("def _wrap_error") == 1
    assert "def _wrap_error(self, error: Exception) -> Exception:\n        return error" in result.source
    assert any("_wrap_error(self, error) is kept as written" in note for note in result.notes)


def test_health_checks_are_appended_to_an_existing_list_in_its_style() -> None:
    seed_style = NODE.replace(
        "    async def process",
        "    def get_health_checks(self):\n        return [(\"self\", self._check_self_health)]\n\n"
        "    async def _check_self_health(self):\n        return None\n\n    async def process",
    ).replace("from omnibase_core.nodes import NodeEffect", "import redis.asyncio\nfrom omnibase_core.nodes import NodeEffect")
    source = upgrade_source(seed_style, add="redis")
    assert 'return [("self", self._check_self_health), ("redis", self._check_redis_health)]' in source
    assert upgrade_source(source, add="redis") == source


def test_an_entry_point_that_records_itself_is_not_wrapped() -> None:
    records = NODE.replace(
        '        raise RuntimeError("no mail server")  # the user\'s own code\n',
        "        await self._record_operation(\"process\", 0.0, True)\n"
        '        raise RuntimeError("no mail server")  # the user\'s own code\n',
    )
    source = upgrade_source(records, add="metrics")
    assert "@_record_metrics" not in source and "def _record_metrics" not in source
    assert "async def _record_operation(" in source


def test_an_own_initialize_is_kept_and_nothing_it_would_have_to_start_is_added() -> None:
    """The upgrade never rewrites the user's initialize(): a Redis client it
    would add could never be started (its health check would stay DEGRADED)."""
    own = NODE.replace(
        "    async def process",
        "    async def initialize(self) -> None:\n        await super().initialize()\n\n    async def process",
    )
    result = upgrade(own, add="redis")
    assert result.error is None
    assert result.source.count("async def initialize") == 1
    assert "_start_redis" not in result.source and "_check_redis_health" not in result.source
    (node,) = result.nodes
    skipped = {skip.concern: skip.reason for skip in node.skipped}
    assert "initialize() is the node's own" in skipped["lifecycle"]
    assert skipped["redis"].startswith("nothing would start it: lifecycle is skipped")
    assert "redis" not in node.concerns and "health" in node.concerns


def test_an_import_that_would_rebind_a_users_name_drops_the_integration() -> None:
    aliased = NODE.replace("from omnibase_core.nodes import NodeEffect", "import redis.asyncio as redis\nfrom omnibase_core.nodes import NodeEffect")
    result = upgrade(aliased)
    assert result.error is None
    assert "import redis.asyncio\n" not in result.source and "_check_redis_health" not in result.source
    assert any(skip.concern == "redis" and "would rebind 'redis'" in skip.reason for skip in result.nodes[0].skipped)


def test_a_file_that_does_not_parse_is_reported_and_left_alone() -> None:
    broken = NODE + "    def oops(:\n"
    result = upgrade(broken)
    assert result.source == broken and not result.changed
    assert result.error is not None and result.error.startswith("does not parse")
    with pytest.raises(UpgradeError):
        upgrade_source(broken)


def test_a_file_that_parses_but_does_not_compile_is_left_alone() -> None:
    broken = NODE + "\n\nreturn 1\n"  # libcst parses it; Python refuses a module-level return
    result = upgrade(broken)
    assert result.error is not None and "compile" in result.error
    assert result.source == broken


def test_modules_without_nodes_are_untouched() -> None:
    plain = "class Helper:\n    def run(self) -> int:\n        return 1\n"
    result = upgrade(plain)
    assert result.nodes == [] and result.source == plain


def test_unknown_concerns_are_refused_with_a_suggestion() -> None:
    with pytest.raises(UnknownConcern, match="did you mean 'metrics'"):
        upgrade(NODE, add="metric")


def test_the_preservation_check_catches_a_lost_statement_and_a_lost_comment() -> None:
    original = cst.parse_module(NODE)
    without_call = cst.parse_module(NODE.replace('        raise RuntimeError("no mail server")  # the user\'s own code\n', "        pass\n"))
    assert lost_statements(original, without_call) == ["class NodeMailEffect(NodeEffect):"]
    no_comment = cst.parse_module(NODE.replace("  # the user's own code", ""))
    assert lost_statements(original, no_comment) == ["class NodeMailEffect(NodeEffect):"]
    assert lost_statements(original, original) == []


def test_add_contributions_applies_a_hand_built_contribution() -> None:
    check = b.method(
        "_check_mailbox_health",
        [],
        [b.return_(b.call("ModelHealthStatus.create_healthy", score=b.literal(1.0)))],
        returns="ModelHealthStatus",
        doc="The mailbox is always there.",
    )
    contribution = Contribution(
        imports={("omnibase_core.models.health.model_health_status", "ModelHealthStatus")},
        methods=[check],
        health_checks=["_check_mailbox_health"],
    )
    first = upgrade_source(NODE, add="health")
    result = add_contributions(first, lambda context: [contribution])
    assert result.error is None
    assert "def _check_mailbox_health(self) -> ModelHealthStatus:" in result.source
    assert "self._check_mailbox_health" in result.source.split("def get_health_checks")[1].split("def ")[0]
    assert add_contributions(result.source, lambda context: [contribution]).source == result.source


def test_events_on_a_plain_base_bring_the_event_bus_and_publish() -> None:
    import asyncio

    from omnibase_core.models.container.model_onex_container import ModelONEXContainer

    source = upgrade_source(NODE, add="events")
    assert "class NodeMailEffect(NodeEffect, MixinEventBus[Any, Any], MixinMetrics):" in source
    namespace: dict[str, object] = {"__name__": "upgraded_mail"}
    exec(compile(source, "upgraded_mail.py", "exec"), namespace)
    node = namespace["NodeMailEffect"](ModelONEXContainer())  # type: ignore[operator]

    class Bus:
        def __init__(self) -> None:
            self.envelopes: list[object] = []

        async def publish_async(self, envelope: object) -> None:
            self.envelopes.append(envelope)

    bus = Bus()
    node.bind_event_bus(bus)
    assert asyncio.run(node._publish_domain_event("mail.sent", {"to": "a@b.c"}, None)) is True
    assert len(bus.envelopes) == 1 and node.get_operation_metrics()["events_published"] == 1
