"""What a spec may name: endpoint paths that stay under HTTP_BASE_URL, names that
never collide once derived, fields that never replace the framework's, and
secrets that are typed as such. Each refusal names the line and both sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from codegen_ast.collisions import find_collisions
from codegen_ast.errors import SpecError
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.spec import FieldSpec, NodeSpec
from codegen_ast.target import NODE_INPUT_FIELDS, NODE_INPUTS, NODE_OUTPUT_FIELDS, NODE_OUTPUTS
from codegen_ast.validate.pipeline import validate_generated
from tests.imports import imported

HEAD = "name: shop\nnode_type: effect\ndescription: Shop.\n"


def _problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        read_spec(path)
    return str(caught.value)


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/items/\\u0007x", "holds the control character '\\x07'"),
        ("/items/x\\ny", "holds the control character '\\n'"),
        ("//evil.example.com/x", "starts with '//', which a URL reads as another host"),
        ("/../../admin/x", "has a '..' segment, which would leave HTTP_BASE_URL's path prefix"),
        ("/a/./b", "has a '.' segment"),
        ("/a/%2E%2e/b", "has a '%2E%2e' segment"),
        ("/a//b", "has an empty segment"),
    ],
)
def test_an_endpoint_path_that_would_leave_the_base_url_is_refused(tmp_path: Path, path: str, problem: str) -> None:
    message = _problems(tmp_path, f'operations:\n  - name: get_item\n    http: {{method: GET, path: "{path}"}}\n')
    assert "spec.yaml:6: operations.0.http.path:" in message
    assert problem in message


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("operations: [get_a1, get_a_1]\n", 4,
         "operation 'get_a_1' and operation 'get_a1' both become the handler class HandlerGetA1: rename one"),
        ("operations: [on_order_placed]\nevents:\n  subscribes:\n"
         "    - {event_type: order.placed, operation: on_order_placed}\n", 7,
         "'order.placed' and 'on_order_placed' would both get the handler handler_on_order_placed.py"),
        ("operations: [get]\nevents:\n  publishes:\n    - {event_type: order.paid_late}\n"
         "    - {event_type: order_paid.late}\n", 8,
         "event 'order_paid.late' and event 'order.paid_late' both become the constant EVENT_ORDER_PAID_LATE"),
        ("input_fields:\n  - {name: operation_id, type: str}\n", 5,
         "input field 'operation_id' would replace the field 'operation_id' of the framework's ModelEffectInput"),
        ("output_fields:\n  - {name: processing_time_ms, type: int}\n", 5,
         "output field 'processing_time_ms' would replace the field 'processing_time_ms'"),
        ("database: {table: ledger, key: entry_id}\noperations: [create_entry]\ninput_fields:\n"
         "  - {name: entry_id, type: str}\n  - {name: total, type: float}\n", 8,
         "input field 'total' (a column, so also an output field) would replace the field 'total' "
         "the generated output model declares"),
    ],
    ids=["handler classes", "handler of an event", "event constants", "framework input field",
         "framework output field", "database total"],
)
def test_names_that_collide_once_derived_are_refused_naming_both(
    tmp_path: Path, body: str, line: int, problem: str
) -> None:
    message = _problems(tmp_path, body)
    assert f"spec.yaml:{line}:" in message
    assert problem in message


def test_generate_refuses_a_collision_in_a_spec_built_in_code() -> None:
    spec = NodeSpec(name="shop", node_type="effect", description="Shop.", operations=["get_a1", "get_a_1"])
    assert [c.name for c in find_collisions(spec)] == ["HandlerGetA1"]  # their files differ
    with pytest.raises(SpecError, match="both become the handler class HandlerGetA1"):
        generate(spec)


@pytest.mark.parametrize("node_type", ["effect", "compute", "reducer", "orchestrator"])
def test_the_framework_fields_the_check_knows_are_the_installed_frameworks(node_type: str) -> None:
    import importlib

    for symbols, fields in ((NODE_INPUTS, NODE_INPUT_FIELDS), (NODE_OUTPUTS, NODE_OUTPUT_FIELDS)):
        model = getattr(importlib.import_module(symbols[node_type].module), symbols[node_type].name)
        assert set(model.model_fields) == fields[node_type]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("operations: [" + ", ".join(f"op_{i}" for i in range(65)) + "]\n",
         "operations declares 65 items, more than the 64 one node may have"),
        ("input_fields:\n" + "".join(f"  - {{name: f_{i}, type: str}}\n" for i in range(129)),
         "input_fields declares 129 items, more than the 128"),
        ("operations:\n  - " + "o" * 64 + "\n", "is longer than 63 characters"),
        ("events:\n  publishes:\n    - {event_type: " + "a." * 60 + "b}\n", "is longer than 100 characters"),
    ],
    ids=["operations", "fields", "operation name", "event type"],
)
def test_counts_and_lengths_are_capped_with_a_clear_error(tmp_path: Path, body: str, problem: str) -> None:
    assert problem in _problems(tmp_path, body)


@pytest.mark.parametrize(
    ("field", "secret"),
    [
        ({"name": "password", "type": "str"}, True),
        ({"name": "api_key", "type": "str | None"}, True),
        ({"name": "client_secret", "type": "str"}, True),
        ({"name": "token", "type": "bytes"}, True),
        ({"name": "note", "type": "str", "sensitive": True}, True),
        ({"name": "password", "type": "str", "sensitive": False}, False),
        ({"name": "sort_key", "type": "str"}, True),
        ({"name": "partition_key", "type": "bytes | None"}, True),
        ({"name": "sort_key", "type": "str", "sensitive": False}, False),
        ({"name": "key", "type": "str"}, False),
        ({"name": "monkey", "type": "str"}, False),
        ({"name": "sort_key", "type": "int"}, False),
        ({"name": "token_count", "type": "int"}, False),
    ],
)
def test_sensitive_fields_become_secret_types(field: dict[str, Any], secret: bool) -> None:
    parsed = FieldSpec.model_validate(field)
    assert parsed.secret is secret
    assert parsed.type.scalar.startswith("Secret") is secret


def test_a_sensitive_field_of_another_type_is_refused(tmp_path: Path) -> None:
    message = _problems(tmp_path, "input_fields:\n  - {name: pin, type: int, sensitive: true}\n")
    assert "only str and bytes fields can be sensitive, not int" in message


def test_a_secret_is_masked_everywhere_but_in_json(tmp_path: Path) -> None:
    spec = NodeSpec.model_validate(
        {"name": "vault", "node_type": "effect", "description": "Vault.", "operations": ["store"],
         "input_fields": [{"name": "password", "type": "str"}, {"name": "note", "type": "str"}],
         "output_fields": [{"name": "password", "type": "str"}]}
    )
    with imported(generate(spec).write(tmp_path)) as vault:
        request = vault.ModelVaultInput(operation="store", password="hunter2-x", note="n")
        assert isinstance(request.password, SecretStr)
        assert "hunter2-x" not in repr(request) and "hunter2-x" not in str(request)
        assert request.model_dump(mode="json")["password"] == "hunter2-x"  # what the node sends on


def test_every_key_field_is_a_secret_unless_opted_out_in_any_dialect(tmp_path: Path) -> None:
    """``*_key`` is sensitive by default, ``sensitive: false`` opts out: in a spec and in a contract.yaml."""
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(HEAD + "operations: [store]\ninput_fields:\n  - {name: cache_key, type: str}\n"
                         "  - {name: sort_key, type: str, sensitive: false}\n", encoding="utf-8")
    contract = tmp_path / "contract.yaml"
    contract.write_text(
        "name: shop\nnode_type: EFFECT_GENERIC\ncontract_version: {major: 1, minor: 0, patch: 0}\n"
        "description: Shop.\nio_operations:\n  - name: store\n    input_fields:\n"
        "      - {name: cache_key, type: str}\n      - {name: sort_key, type: str, sensitive: false}\n",
        encoding="utf-8")
    for path in (spec_file, contract):
        fields = {field.name: field for field in read_spec(path).spec.input_fields}
        assert fields["cache_key"].secret and fields["cache_key"].type.scalar == "SecretStr", path
        assert not fields["sort_key"].secret and fields["sort_key"].type.scalar == "str", path


def test_a_key_field_package_passes_the_security_stage_and_masks_the_key(tmp_path: Path) -> None:
    spec = NodeSpec.model_validate(
        {"name": "vault", "node_type": "effect", "description": "Vault.", "operations": ["store"],
         "input_fields": [{"name": "partition_key", "type": "str"}, {"name": "note", "type": "str"}]}
    )
    package = generate(spec)
    report = validate_generated(package, level="standard")
    assert not [finding for finding in report.findings if finding.severity == "error"], report
    with imported(package.write(tmp_path)) as vault:
        request = vault.ModelVaultInput(operation="store", partition_key="p-4711-x", note="n")
        assert isinstance(request.partition_key, SecretStr)
        assert "p-4711-x" not in repr(request) and "p-4711-x" not in str(request)


def test_handler_classes_declared_in_one_module_get_one_file_each() -> None:
    """Production contracts put several handler classes in one ``handlers.py``: each class
    keeps its written name, each gets its own file (was refused as a file collision)."""
    spec = read_spec(Path(__file__).parent / "support" / "packages" / "node_cart_reducer" / "contract.yaml").spec
    assert [(spec.handler_class(op), spec.handler_file(op)) for op in ("add_item", "checkout")] == [
        ("HandlerAddItem", "handler_add_item"), ("HandlerCheckout", "handler_checkout"),
    ]
    files = generate(spec).files
    assert "class HandlerAddItem" in files["handlers/handler_add_item.py"]
    assert "class HandlerCheckout" in files["handlers/handler_checkout.py"]
