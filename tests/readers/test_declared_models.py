"""A contract's input_model / output_model (issue 13, point 4): a model that exists is
imported and extended (its fields are its own, not copied); one that does not exist is
generated under the contract's name and module file; a field without a type is said in
explain and in the model's docstring. The packages pass strict and their own tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec
from codegen_ast.validate import validate
from tests.conftest import MYPY_CACHE

FRAMEWORK_OUTPUT = "omnibase_core.models.effect.model_effect_output"  # a real, importable model
CONTRACT = f"""\
name: node_card_charge_effect
node_type: EFFECT_GENERIC
description: Charge payment cards.
input_model:
  name: ModelCardChargeRequest
  module: acme.billing.models.model_card_charge_request
output_model:
  name: ModelEffectOutput
  module: {FRAMEWORK_OUTPUT}
io_operations:
  - operation: billing.charge
    input_fields: [{{name: billing_id, type: str}}, {{name: reason}}]
    output_fields: [{{name: ok, type: bool}}]
"""
UNFILLED = """\
name: node_contract_check_compute
node_type: COMPUTE_GENERIC
description: Check a contract.
output_model:
  name: ModelContractValidationResult
  module: omnibase_core.models.validation.model_contract_validation_result
io_operations:
  - operation: contract.check
    input_fields: [{name: text, type: str}]
    output_fields: [{name: verdict, type: str}]
"""


def _read(tmp_path: Path, text: str, name: str = "contract.yaml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_spec(path)


def test_an_existing_model_is_extended_and_a_missing_one_generated_under_its_name(tmp_path: Path) -> None:
    result = _read(tmp_path, CONTRACT)
    spec = result.spec
    assert spec.declared is not None and spec.declared.output_model is not None
    existing = spec.declared.output_model.existing
    assert existing is not None and "transaction_state" in existing.fields
    assert spec.declared.input_model is not None and spec.declared.input_model.existing is None
    said = {w.field: w.message for w in result.warnings}
    assert "is not importable from acme.billing.models.model_card_charge_request" in said["input_model"]
    assert "exists in omnibase_core" in said["output_model"] and "imported, not copied" in said["output_model"]
    package = generate(spec)
    # not existing: generated under the contract's exact name, in the module's file
    request = package.files["models/model_card_charge_request.py"]
    assert "class ModelCardChargeRequest(ModelEffectInput):" in request
    contract = yaml.safe_load(package.files["contract.yaml"])
    assert contract["input_model"].endswith(".models.model_card_charge_request.ModelCardChargeRequest")
    # existing (the framework's own output model, which the node also uses by that name): extended, imported
    output = package.files[f"models/{spec.output_model_file}.py"]
    assert f"from {FRAMEWORK_OUTPUT} import (\n    ModelEffectOutput as DeclaredModelEffectOutput,\n)" in output
    assert f"(DeclaredModelEffectOutput):" in output and "imported, not copied" in output
    # no type given: said in the model's docstring (and by explain, below)
    assert "No type declared in the contract for reason" in request
    explained = CliRunner().invoke(main, ["explain", str(tmp_path / "contract.yaml")])
    assert explained.exit_code == 0 and "no type declared for reason" in explained.output


INTENT = """\
name: node_metrics_upsert_effect
node_type: EFFECT_GENERIC
description: Upsert metrics an intent carries.
input_model:
  name: ModelIntent
  module: omnibase_core.models.reducer.model_intent
io_operations:
  - operation: upsert_metrics
    input_fields: [{name: subsystem, type: str}]
    output_fields: [{name: ok, type: bool}]
"""


def test_an_existing_model_requiring_fields_the_contract_does_not_give_is_extended_under_its_name(
    tmp_path: Path,
) -> None:
    """Its required fields the contract gives no value for (ModelContractValidationResult's
    interface_version, is_valid, score; ModelIntent's intent_type, target and a payload typed
    by a protocol) are declared again with defaults derived from their types: the node's
    request and answer are instances of the declared model, under its name and module file."""
    result = _read(tmp_path, UNFILLED)
    ref = result.spec.declared.output_model  # type: ignore[union-attr]
    assert ref is not None and ref.existing is not None
    assert ref.existing.missing == ["interface_version", "is_valid", "score"]
    assert [filler.name for filler in ref.existing.fillers] == ref.existing.missing
    [warning] = [w for w in result.warnings if w.field == "output_model"]
    assert "the generated ModelContractValidationResult extends it" in warning.message
    assert "requires interface_version, is_valid, score" in warning.message
    assert result.spec.output_model_class == "ModelContractValidationResult"
    assert result.spec.output_model_file == "model_contract_validation_result"
    answer = generate_declarative(result.spec).files["models/model_contract_validation_result.py"]
    assert "class ModelContractValidationResult(DeclaredModelContractValidationResult):" in answer
    assert "default_factory=lambda: ModelSemVer(major=0, minor=0, patch=0)" in answer
    imperative = generate(result.spec).files["models/model_contract_validation_result.py"]  # the other shape too
    assert "class ModelContractValidationResult(\n    DeclaredModelContractValidationResult, ModelComputeOutput[SerializedDict]" in imperative
    assert "default_factory=lambda: ModelSemVer(major=0, minor=0, patch=0)" in imperative
    intent = _read(tmp_path, INTENT, "intent.yaml")
    assert intent.spec.input_model_class == "ModelIntent"
    request = generate_declarative(intent.spec).files["models/model_intent.py"]
    assert "class ModelIntent(DeclaredModelIntent):" in request
    assert "class ModelIntentPayloadDefault(BaseModel):" in request  # the protocol's default
    assert "payload: ProtocolIntentPayload = Field(\n        default_factory=ModelIntentPayloadDefault," in request


PATTERNED = """\
name: node_code_check_compute
node_type: COMPUTE_GENERIC
description: Check codes.
output_model: {name: ModelCoded, module: acme_coded}
io_operations:
  - operation: check
    input_fields: [{name: text, type: str}]
    output_fields: [{name: ok, type: bool}]
"""


def test_a_required_field_no_default_can_be_derived_for_stops_with_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_coded.py").write_text(
        "from pydantic import BaseModel, Field\n\n\nclass ModelCoded(BaseModel):\n"
        "    code: str = Field(pattern='^[A-Z]{3}$')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "contract.yaml").write_text(PATTERNED, encoding="utf-8")
    run = CliRunner().invoke(main, ["new", str(tmp_path / "contract.yaml"), "-o", str(tmp_path / "out")])
    assert run.exit_code == 2, run.output
    assert "contract.yaml:4: output_model:" in run.output
    assert "ModelCoded exists in acme_coded but requires code" in run.output
    assert "code (str): its value must match a pattern" in run.output
    assert "--set output_model=null" in run.output
    assert "Traceback" not in run.output


def test_the_packages_pass_strict_and_their_own_tests(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(_read(tmp_path, CONTRACT, "c0.yaml").spec).write(out)
    for index, text in enumerate((UNFILLED, INTENT)):  # the default shape
        generate_declarative(_read(tmp_path, text, f"c{index + 1}.yaml").spec).write(out)
    report = validate([out], level="strict", mypy_cache=MYPY_CACHE, display_root=out)
    assert not [f for f in report.findings if f.severity in ("error", "warning")], report.findings
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function",
         "node_card_charge_effect", "node_contract_check_compute", "node_metrics_upsert_effect"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    # the handler's answer and the request are instances of the declared models
    answered = subprocess.run([sys.executable, "-c", """
import asyncio
from omnibase_core.models.reducer import model_intent
from omnibase_core.models.validation import model_contract_validation_result as declared
from node_contract_check_compute.handlers.handler_contract_check import HandlerContractCheck
from node_contract_check_compute.models import ModelContractCheckInput
from node_metrics_upsert_effect.models import ModelIntent
from onex_support.testing.fixtures import call
answer = asyncio.run(call(HandlerContractCheck, ModelContractCheckInput(operation="contract.check", text="t")))
assert isinstance(answer, declared.ModelContractValidationResult), type(answer).__mro__
request = ModelIntent(operation="upsert_metrics", subsystem="s")
assert isinstance(request, model_intent.ModelIntent) and request.payload.intent_type == "intent_type"
print("instances")
"""], cwd=out, capture_output=True, text=True, timeout=300)
    assert answered.stdout.strip() == "instances", answered.stdout[-2000:] + answered.stderr[-3000:]


def test_a_model_in_the_nodes_own_package_is_generated_even_where_an_old_copy_is_importable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The contract's own package (an earlier copy on sys.path) is what generation replaces:
    importing the model from it would make the new package import itself."""
    packages = Path(__file__).resolve().parent.parent / "support" / "packages"
    monkeypatch.syspath_prepend(str(packages))
    declared = read_spec(packages / "node_cart_reducer" / "contract.yaml").spec.declared
    assert declared is not None and declared.input_model is not None and declared.output_model is not None
    assert declared.input_model.module == "node_cart_reducer.handlers"
    assert declared.input_model.existing is None and declared.output_model.existing is None


MODELS_PACKAGE = """\
name: node_memo_effect
node_type: EFFECT_GENERIC
description: Keep memos.
input_model: {name: ModelMemoInput, module: acme.nodes.node_memo_effect.models}
output_model: {name: ModelMemoOutput, module: acme.nodes.node_memo_effect.models}
io_operations:
  - operation: memo.keep
    input_fields: [{name: text, type: str}]
    output_fields: [{name: ok, type: bool}]
"""


def test_a_model_declared_in_a_models_package_gets_a_file_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module ending in ``.models`` is a package of models, not a model's file: the
    class gets ``models/model_<class>.py`` (not ``models/models.py``), and it still
    imports from ``<package>.models``, the declared module's name, as the contract's path."""
    package = generate(_read(tmp_path, MODELS_PACKAGE).spec)
    assert "models/models.py" not in package.files
    assert "class ModelMemoInput(" in package.files["models/model_memo_input.py"]
    assert "class ModelMemoOutput(" in package.files["models/model_memo_output.py"]
    contract = yaml.safe_load(package.files["contract.yaml"])
    assert contract["input_model"] == "node_memo_effect.models.model_memo_input.ModelMemoInput"
    package.write(tmp_path / "out")
    monkeypatch.syspath_prepend(str(tmp_path / "out"))
    import importlib

    models = importlib.import_module("node_memo_effect.models")
    module, _, name = contract["input_model"].rpartition(".")
    assert getattr(models, "ModelMemoInput") is getattr(importlib.import_module(module), name)
    assert getattr(models, "ModelMemoOutput").__name__ == "ModelMemoOutput"
