"""The three input dialects, read from realistic files under tests/readers/files/."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_ast.errors import SpecError
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec

FILES = Path(__file__).resolve().parent / "files"


def _fields(fields: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {field.name: field.type.spelling() for field in fields}


def test_current_contract_with_every_key() -> None:
    result = read_spec(FILES / "current_full.yaml")
    spec = result.spec
    assert result.dialect == "contract"
    assert (spec.name, spec.node_type, spec.description, spec.version) == ("payments", "effect", "Charge cards.", "2.1.0")
    assert (spec.author, spec.domain) == ("Payments team", "payments")
    assert [op.name for op in spec.operations] == ["charge", "refund"]
    assert _fields(spec.input_fields) == {"card_token": "SecretStr", "amount": "float", "charge_id": "str"}  # a token is a secret
    assert _fields(spec.output_fields) == {"charge_id": "str"}
    assert spec.dependencies == ["postgres", "http"]  # named exactly by module and type; vault is no client
    # topics are declared, not an invented event: no events feature
    assert spec.features == ["retry", "circuit_breaker"]
    assert spec.declared is not None and spec.declared.publish_topics == ["payments.charged"]
    assert [d["name"] for d in spec.declared.dependencies] == ["db", "stripe", "vault"]  # kept as written
    route = spec.declared.handler_for("charge")
    assert route is not None and route.handler is not None and route.handler.name == "HandlerCharge"
    assert spec.handler_class("charge") == "HandlerCharge" and spec.handler_class("refund") == "HandlerRefund"
    assert len(generate(spec).files["node.py"]) > 0


def test_drifted_contract_lowercase_type_single_handler_state_machine() -> None:
    result = read_spec(FILES / "current_lowercase.yaml")
    assert result.dialect == "contract"
    assert (result.spec.name, result.spec.node_type) == ("cart", "reducer")
    assert result.spec.features == ["caching"]
    assert result.spec.capabilities == ["caching", "audit_trail"]  # advertised by the discovery pattern
    machine = result.spec.state_machine
    assert machine is not None and (machine.initial_state, machine.states) == ("empty", ["empty", "active"])
    assert [(t.source, t.target, t.trigger) for t in machine.transitions] == [("empty", "active", "add_item")]


def test_v2_contract_with_schemas_mixins_and_events() -> None:
    result = read_spec(FILES / "v2_full.yaml")
    spec = result.spec
    assert result.dialect == "contract-v2"
    assert (spec.name, spec.node_type, spec.version, spec.domain, spec.author) == (
        "ledger", "reducer", "1.2.0", "finance", "Finance",
    )
    assert _fields(spec.input_fields) == {
        "account_id": "UUID", "amount": "float", "memo": "str | None", "tags": "list[str]",
    }
    assert [f.required for f in spec.input_fields] == [True, True, False, False]
    assert spec.input_fields[0].description == "Account to post to."
    assert _fields(spec.output_fields) == {"balance": "float"}
    assert spec.features == ["retry", "events"]
    assert spec.mixins == ["MixinHealthCheck"]
    warnings = [str(w) for w in result.warnings]
    assert any(":8: mixin_configuration.mixins.0: MixinRetry does not exist" in w and "'retry' feature" in w for w in warnings)
    assert any("MixinLogData does not exist" in w for w in warnings)
    assert spec.events is not None
    assert [(e.event_type, e.topic) for e in spec.events.publishes] == [("ledger.updated", "ledger.updated")]
    assert any("event_patterns.publishes.0: event type 'LedgerUpdated' read as 'ledger.updated'" in w for w in warnings)


def test_v2_mixins_that_cannot_serve_a_node_are_kept_in_the_contract_and_said() -> None:
    result = read_spec(FILES / "v2_companion.yaml")
    assert (result.spec.name, result.spec.version) == ("alerts", "2.0.1")
    assert result.spec.mixins == []
    assert result.spec.features == ["circuit_breaker"]
    assert any(
        "MixinEventDrivenNode is kept in contract.yaml, not composed into the node: its __init__ requires node_id "
        "and event_bus" in str(w)
        for w in result.warnings
    )
    mixins = result.spec.kept["mixin_configuration"]["mixins"]
    assert "MixinEventDrivenNode" in [m["mixin_name"] if isinstance(m, dict) else m for m in mixins]


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("bad_node_type.yaml", "bad_node_type.yaml:3: node_type: unknown node_type 'EFFECTOR_GENERIC': use EFFECT_GENERIC"),
        ("bad_wrong_type.yaml", "bad_wrong_type.yaml:5: io_operations: io_operations must be a list of operations, found str"),
        ("bad_v2_mixin.yaml", "bad_v2_mixin.yaml:6: mixin_configuration.mixins.0: unknown mixin 'MixinTeleport'"),
        ("bad_v2_schema.yaml", "bad_v2_schema.yaml:7: input_schema.properties.amount.type: JSON Schema type 'money' has no field type"),
    ],
)
def test_invalid_files_give_one_clear_message_with_file_and_line(file: str, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        read_spec(FILES / file)
    assert len(caught.value.problems) == 1
    assert expected in str(caught.value)


def test_our_own_spec_is_still_read_as_a_spec() -> None:
    root = Path(__file__).resolve().parent.parent.parent
    assert read_spec(root / "examples" / "orders_effect.yaml").dialect == "spec"


def test_framework_state_machine_spelling_becomes_a_generated_state_machine() -> None:
    spec = read_spec(FILES / "current_fsm.yaml").spec
    machine = spec.state_machine
    assert machine is not None and machine.persist
    assert [(t.source, t.target, t.trigger) for t in machine.transitions] == [
        ("closed", "open", "open_door"), ("open", "closed", "close_door"),
    ]
    assert [op.name for op in spec.effective_operations] == ["open_door", "close_door"]


def test_v2_subscriptions_and_caching_subcontract_become_declared_behaviour() -> None:
    result = read_spec(FILES / "v2_declared.yaml")
    spec = result.spec
    assert spec.events is not None
    assert [(e.event_type, e.operation, e.topic) for e in spec.events.subscribes] == [("page.viewed", "count_view", "web.views")]
    assert spec.events.publishes == []
    assert spec.cache is not None and spec.cache.ttl_s == 60
    assert any("event_patterns.publishes.0: event type 'Bad Type' is not dotted words" in str(w) for w in result.warnings)


def test_an_unknown_key_is_kept_and_said_not_fatal() -> None:
    result = read_spec(FILES / "bad_unknown_key.yaml")
    assert "io_operatons" in result.spec.kept
    warnings = [str(w) for w in result.warnings]
    assert any(":5: io_operatons: kept, not acted on" in w and "did you mean 'io_operations'?" in w for w in warnings)


def test_a_contract_without_description_is_read_as_the_framework_reads_it() -> None:
    result = read_spec(FILES / "bad_missing_description.yaml")
    assert result.spec.description == "The payments node."
    assert any("no description" in str(w) for w in result.warnings)


def test_a_name_python_cannot_use_is_derived_and_a_rejected_class_word_left_out() -> None:
    result = read_spec(FILES / "bad_name.yaml")
    spec = result.spec
    assert (spec.name, spec.package_name, spec.class_name) == ("payment_service", "node_payment_service_effect", "NodePaymentEffect")
    assert any("'Service'" in str(w) and "NodePaymentEffect" in str(w) for w in result.warnings)


def test_a_contracts_performance_and_algorithm_are_carried_not_replaced(tmp_path: Path) -> None:
    """The generator writes a time budget and an algorithm only when the contract gives none."""
    import yaml

    path = tmp_path / "contract.yaml"
    path.write_text(
        "name: node_quote_compute\nnode_type: COMPUTE_GENERIC\ndescription: Quote.\n"
        "io_operations:\n- operation: quote.price\n  input_fields: [{name: sku, type: str}]\n"
        "  output_fields: [{name: price, type: float}]\n"
        "performance: {single_operation_max_ms: 123}\n"
        "algorithm: {algorithm_type: weighted, factors: {price: {weight: 1.0, calculation_method: linear}}}\n",
        encoding="utf-8",
    )
    contract = yaml.safe_load(generate(read_spec(path).spec).files["contract.yaml"])
    assert contract["performance"] == {"single_operation_max_ms": 123}
    assert contract["algorithm"]["algorithm_type"] == "weighted"
    plain = tmp_path / "plain.yaml"
    plain.write_text(path.read_text(encoding="utf-8").split("performance:")[0], encoding="utf-8")
    assert yaml.safe_load(generate(read_spec(plain).spec).files["contract.yaml"])["performance"] == {"single_operation_max_ms": 1000}


def test_every_problem_of_a_contract_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(
        "name: node_x_effect\nnode_type: EFFECT_GENERIC\ndescription: X.\n"
        "io_operations: oops\ncapabilities: [{nope: 1}]\ninput_model: 5\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as refused:
        read_spec(path)
    assert [(problem.line, problem.field) for problem in refused.value.problems] == [
        (4, "io_operations"), (5, "capabilities.0"), (6, "input_model"),
    ]
    assert all(str(path) in line for line in str(refused.value).splitlines())  # each names the file
