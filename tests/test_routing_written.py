"""Operations are routed by the string the contract wrote (``billing.charge``), not by the
Python identifier derived from it (``billing_charge``, used only for Python names): in
the handler table, SUPPORTED_OPERATIONS, the input model's ``operation`` type, the
generated contract.yaml and the generated tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from tests.imports import imported

CONTRACT = Path(__file__).parent / "contracts" / "node_card_charge_effect.yaml"


def test_a_dotted_operation_is_routed_by_its_written_string(tmp_path: Path) -> None:
    spec = read_spec(CONTRACT).spec
    assert [(op.name, op.routed) for op in spec.operations] == [
        ("billing_charge", "billing.charge"), ("billing_refund", "billing.refund"),
    ]
    package = generate(spec)
    contract = yaml.safe_load(package.files["contract.yaml"])
    assert [entry["operation"] for entry in contract["handler_routing"]["handlers"]] == ["billing.charge", "billing.refund"]
    assert [entry["operation_type"] for entry in contract["io_operations"]] == ["billing.charge", "billing.refund"]
    assert 'sample_request("billing.charge")' in package.files["tests/test_node.py"]
    assert "def test_billing_charge_returns_typed_output" in package.files["tests/test_node.py"]  # Python names derived
    container_type = "ModelONEXContainer"
    with imported(package.write(tmp_path)) as node_package:
        node_module = node_package.node
        assert node_module.SUPPORTED_OPERATIONS == ("billing.charge", "billing.refund")
        node = node_package.NodeCardChargeEffect(getattr(node_module, container_type)())
        request = node_package.ModelCardChargeInput(operation="billing.charge", billing_id="b-1")
        output = asyncio.run(node.process(request))
        assert output.correlation_id == request.correlation_id
        with pytest.raises(ValidationError):  # the derived identifier is no routing key
            node_package.ModelCardChargeInput(operation="billing_charge", billing_id="b-1")
