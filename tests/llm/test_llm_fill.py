"""``--fill llm`` end to end with recorded completions: a good body is kept, a body
that fails mypy --strict or a generated test is rejected with the reason, and the
generated default stays where it was."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest

from codegen_ast.fill import FillReport, fill_package, handler_prompt, open_handlers
from codegen_ast.fill.examples import project_examples
from codegen_ast.generate import GeneratedPackage, generate, node_context
from codegen_ast.llm import FixtureProvider, answer, append_recording, recording_for
from codegen_ast.spec import NodeSpec
from codegen_ast.validate.pipeline import validate_generated
from tests.conftest import MYPY_CACHE

SPEC = NodeSpec.model_validate(
    {
        "name": "orders", "node_type": "effect", "description": "Order records of the shop.",
        "operations": [
            {"name": "create_order", "description": "Accept an order when its amount is positive."},
            {"name": "get_order", "description": "Look an order up."},
            {"name": "cancel_order", "description": "Cancel an order."},
            {"name": "archive_order", "description": "Archive an order."},
        ],
        "input_fields": [{"name": "order_id", "type": "str"}, {"name": "amount", "type": "float", "required": False}],
        "output_fields": [{"name": "order_id", "type": "str"}, {"name": "amount", "type": "float | None"},
                          {"name": "accepted", "type": "bool"}],
    }
)
ANSWERS = {
    # passes everything
    "create_order": dedent(
        """\
        ```python
        if request.amount is not None and request.amount <= 0:
            raise ModelOnexError(
                message="amount must be positive",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                correlation_id=request.correlation_id,
            )
        return ModelOrdersOutput(
            operation_id=request.operation_id,
            effect_type=request.effect_type,
            correlation_id=request.correlation_id,
            order_id=request.order_id.strip(),
            amount=request.amount,
            accepted=True,
        )
        ```"""
    ),
    # a type error: accepted is a bool
    "get_order": "return ModelOrdersOutput(operation_id=request.operation_id, correlation_id=request.correlation_id, "
                 "order_id=request.order_id, amount=None, accepted='yes')\n",
    # type-checks, but the generated test of cancel_order fails: it never returns
    "cancel_order": "raise ModelOnexError(message='order ' + request.order_id + ' not found', "
                    "error_code=EnumCoreErrorCode.NOT_FOUND, correlation_id=request.correlation_id)\n",
    # not a body
    "archive_order": "async def handle(self, request):\n    return None\n",
}


def record_answers(package: GeneratedPackage, path: Path) -> None:
    """A fixture file holding, for the exact prompt of each open handler, the answer above."""
    context = node_context(package.spec)
    examples = project_examples(package.files, None)
    for operation in open_handlers(package):
        request = handler_prompt(context, operation, package.files, examples)
        append_recording(path, recording_for(request, "recorded-model", answer(ANSWERS[operation.name], "recorded-model"),
                                             provider="test", endpoint="-"))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedPackage, GeneratedPackage, FillReport]:
    package = generate(SPEC)
    fixture = tmp_path_factory.mktemp("fill") / "answers.json"
    record_answers(package, fixture)
    result, report = fill_package(package, FixtureProvider(fixture), mypy_cache=MYPY_CACHE)
    return package, result, report


def test_each_answer_is_accepted_or_rejected_with_its_reason(
    filled: tuple[GeneratedPackage, GeneratedPackage, FillReport],
) -> None:
    _, _, report = filled
    outcomes = {o.operation: o for o in report.outcomes}
    assert [o.operation for o in report.outcomes] == ["create_order", "get_order", "cancel_order", "archive_order"]
    assert (len(report.accepted), len(report.rejected)) == (1, 3)
    assert outcomes["create_order"].status == "accepted" and outcomes["create_order"].model == "recorded-model"
    assert "TYP001 handlers/handler_get_order.py" in outcomes["get_order"].reason
    assert 'incompatible type "str"; expected "bool"' in outcomes["get_order"].reason
    assert "generated test test_cancel_order_returns_typed_output failed" in outcomes["cancel_order"].reason
    assert "defines a whole function (handle)" in outcomes["archive_order"].reason


def test_the_accepted_body_is_spliced_and_the_rejected_keep_the_default(
    filled: tuple[GeneratedPackage, GeneratedPackage, FillReport],
) -> None:
    package, result, _ = filled
    create = result.files["handlers/handler_create_order.py"]
    assert "Written by a model (recorded-model)" in create and "request.order_id.strip()" in create
    assert "from omnibase_core.errors import ModelOnexError" in create
    for name in ("get_order", "cancel_order", "archive_order"):
        path = f"handlers/handler_{name}.py"
        assert result.files[path] == package.files[path]
    # the manifest still records the generated default: regenerate sees the body as an edit to keep
    assert result.files["codegen-manifest.json"] == package.files["codegen-manifest.json"]


def test_the_filled_package_passes_and_counts_the_model_lines_apart(
    filled: tuple[GeneratedPackage, GeneratedPackage, FillReport],
) -> None:
    _, result, _ = filled
    report = validate_generated(result, level="standard")
    assert report.passed
    figure = report.manual_completion
    assert figure is not None
    by_handler = {h.name: h for h in figure.handlers}
    assert by_handler["HandlerCreateOrder.handle"].written_by == "model"
    assert by_handler["HandlerCreateOrder.handle"].lines == 14  # as black formats it
    assert figure.lines_by("model") == 14
    assert figure.lines_to_write == sum(by_handler[f"Handler{n}.handle"].lines for n in ("GetOrder", "CancelOrder", "ArchiveOrder"))
    assert "14 by a model (accepted)" in figure.describe()
    assert figure.as_dict()["written_by"] == {"declarations": 0, "model": 14, "hand": 0}
    ast.parse(result.files["handlers/handler_create_order.py"])


def test_the_packages_own_earlier_copy_is_not_an_example(tmp_path: Path) -> None:
    """Replaying a recording into the folder it was recorded into asks the same question:
    the earlier copy of the package being generated (with a model's bodies) is no example."""
    package = generate(SPEC)
    before = project_examples(package.files, tmp_path, own=package.name)
    written = package.write(tmp_path)
    handler = written / "handlers" / "handler_create_order.py"
    handler.write_text(handler.read_text().replace("Generated default", "Written by a model"))
    assert project_examples(package.files, tmp_path, own=package.name) == before
    assert project_examples(package.files, tmp_path) != before  # what the replay of docs/llm.md tripped on
