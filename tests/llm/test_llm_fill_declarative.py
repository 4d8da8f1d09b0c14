"""``--fill llm`` for the declarative shape, with recorded completions: the model is asked
for the ``run`` body of each operation no declaration covers, with the production
context (the handler module, the models, the node's resources, the patterns, the
error codes, examples of declarative handlers); a body is kept only when the package
passes the whole validation (mypy --strict included) and its tests, else the
generated default stays and the reason is reported. The kept body runs on RuntimeLocal."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.fill import FillReport, fill_package, handler_prompt, open_handlers
from codegen_ast.fill.examples import project_examples
from codegen_ast.fill.run import package_shape
from codegen_ast.generate import GeneratedPackage, node_context
from codegen_ast.llm import FixtureProvider, answer, append_recording, recording_for
from codegen_ast.spec import NodeSpec
from codegen_ast.validate.pipeline import validate_generated
from tests.checkers import run_on_runtime
from tests.conftest import MYPY_CACHE

SPEC = {
    "name": "grades", "node_type": "compute", "description": "Grades of exam scores.",
    "operations": [
        {"name": "grade_score", "description": "The letter grade of a score out of 100."},
        {"name": "curve_score", "description": "A score raised by a curve."},
        {"name": "archive_score", "description": "Archive a score."},
    ],
    "input_fields": [{"name": "score", "type": "int"}, {"name": "curve", "type": "int", "required": False}],
    "output_fields": [{"name": "score", "type": "int"}, {"name": "grade", "type": "str", "required": False}],
}
ANSWERS = {
    # passes everything
    "grade_score": dedent(
        """\
        ```python
        if not 0 <= request.score <= 100:
            raise ModelOnexError(
                message="a score is between 0 and 100",
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                correlation_id=request.correlation_id,
            )
        letter = "A" if request.score >= 90 else "B" if request.score >= 75 else "C"
        return ModelGradesOutput(
            operation=request.operation,
            correlation_id=request.correlation_id,
            score=request.score,
            grade=letter,
        )
        ```"""
    ),
    # a type error: score is an int
    "curve_score": "return ModelGradesOutput(operation=request.operation, correlation_id=request.correlation_id, "
                   "score=str(request.score + (request.curve or 0)))\n",
    # not a body
    "archive_score": "async def run(self, request, resources):\n    return None\n",
}


def record_answers(package: GeneratedPackage, path: Path) -> None:
    """A fixture file holding, for the exact prompt of each open handler, the answer above."""
    context, shape = node_context(package.spec), package_shape(package)
    examples = project_examples(package.files, None, shape=shape)
    for operation in open_handlers(package):
        request = handler_prompt(context, operation, package.files, examples, shape)
        append_recording(path, recording_for(request, "recorded-model", answer(ANSWERS[operation.name], "recorded-model"),
                                             provider="test", endpoint="-"))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedPackage, GeneratedPackage, FillReport]:
    package = generate_declarative(NodeSpec.model_validate(SPEC))
    fixture = tmp_path_factory.mktemp("fill") / "answers.json"
    record_answers(package, fixture)
    result, report = fill_package(package, FixtureProvider(fixture), mypy_cache=MYPY_CACHE)
    return package, result, report


def test_the_prompt_carries_the_declarative_context() -> None:
    package = generate_declarative(NodeSpec.model_validate(SPEC))
    shape = package_shape(package)
    assert shape.declarative
    assert [op.name for op in open_handlers(package)] == ["grade_score", "curve_score", "archive_score"]
    examples = project_examples(package.files, None, shape=shape)
    [example] = examples  # none of its own: one generated from a built-in formula, in this shape
    assert "async def run(" in example.source and "def handle(" not in example.source
    request = handler_prompt(node_context(package.spec), package.spec.operations[0], package.files, examples, shape)
    system, user = (message.content for message in request.messages)
    assert "Answer with the BODY of the `run` method only" in system
    assert "async def run(self, request, resources)" in system and "onex_support's OperationHandler" in system
    assert "write the body of HandlerGradeScore.run" in user
    assert "## INPUT MODEL\n" in user and "class ModelGradesInput" in user and "class ModelGradesOutput" in user
    assert "THE NODE'S RESOURCES (the `resources` argument) (registry/registry_grades.py)" in user
    assert "EnumCoreErrorCode.VALIDATION_ERROR" in user


def test_each_answer_is_accepted_or_rejected_with_its_reason(
    filled: tuple[GeneratedPackage, GeneratedPackage, FillReport],
) -> None:
    _, _, report = filled
    outcomes = {o.operation: o for o in report.outcomes}
    assert [o.operation for o in report.outcomes] == ["grade_score", "curve_score", "archive_score"]
    assert outcomes["grade_score"].status == "accepted"
    assert outcomes["grade_score"].reason == "passed the whole validation and the package's tests"
    assert "TYP001 handlers/handler_curve_score.py" in outcomes["curve_score"].reason
    assert 'incompatible type "str"; expected "int"' in outcomes["curve_score"].reason
    assert "defines a whole function (run)" in outcomes["archive_score"].reason


def test_the_accepted_body_is_spliced_into_run_and_the_rejected_keep_the_default(
    filled: tuple[GeneratedPackage, GeneratedPackage, FillReport],
) -> None:
    package, result, _ = filled
    grade = result.files["handlers/handler_grade_score.py"]
    assert "Written by a model (recorded-model)" in grade and 'letter = "A" if request.score >= 90' in grade
    assert "from omnibase_core.errors import ModelOnexError" in grade
    assert "OperationHandler[ModelGradesInput, ModelGradesOutput, GradesResources]" in grade  # the class as generated
    for name in ("curve_score", "archive_score"):
        path = f"handlers/handler_{name}.py"
        assert result.files[path] == package.files[path]
    assert result.files["codegen-manifest.json"] == package.files["codegen-manifest.json"]
    figure = validate_generated(result, level="standard").manual_completion
    assert figure is not None
    by_handler = {h.name: h for h in figure.handlers}
    assert by_handler["HandlerGradeScore.run"].written_by == "model"
    assert figure.lines_by("model") == by_handler["HandlerGradeScore.run"].lines > 0
    assert figure.lines_to_write == by_handler["HandlerCurveScore.run"].lines + by_handler["HandlerArchiveScore.run"].lines


def test_the_accepted_body_runs_on_runtime_local(
    filled: tuple[GeneratedPackage, GeneratedPackage, FillReport], tmp_path: Path
) -> None:
    _, result, _ = filled
    out = tmp_path / "out"
    out.mkdir()
    result.write(out)
    write_support(out)
    run = run_on_runtime(out, result.name, {"operation": "grade_score", "score": 80}, tmp_path / "b")
    assert run.outcome == "completed", run.last_error
    assert run.result["handler_result"]["grade"] == "B"
    refused = run_on_runtime(out, result.name, {"operation": "grade_score", "score": 120}, tmp_path / "bad")
    assert refused.outcome == "failed"  # VALIDATION_ERROR raised by the body


def test_new_fills_a_declarative_package_from_a_recording(tmp_path: Path) -> None:
    package = generate_declarative(NodeSpec.model_validate(SPEC))
    fixture = tmp_path / "answers.json"
    record_answers(package, fixture)
    spec = tmp_path / "grades.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    result = CliRunner().invoke(main, ["new", str(spec), "-o", str(tmp_path / "out"), "--shape", "declarative",
                                       "--fill", "llm", "--llm-fixture", str(fixture)])
    assert result.exit_code == 0, result.output
    assert "llm fill: 1 accepted, 2 rejected" in result.output
    assert "grade_score: accepted (recorded-model, 13 lines)\n" in result.output  # passed validation and the tests
    assert "lines by a model" in result.output or "by a model (accepted)" in result.output
    written = tmp_path / "out" / "node_grades_compute" / "handlers" / "handler_grade_score.py"
    assert "Written by a model (recorded-model)" in written.read_text()


def test_a_cached_operation_gets_its_compute_filled_and_the_figure_counts_it(tmp_path: Path) -> None:
    """Answered cache-aside, the operation's own method is compute (run asks the cache)."""
    spec = NodeSpec.model_validate({
        "name": "lookup", "node_type": "compute", "description": "Looks keys up.", "cache": {"ttl_s": 60},
        "operations": [{"name": "find_item", "description": "The key, upper-cased."}],
        "input_fields": [{"name": "key", "type": "str"}], "output_fields": [{"name": "key", "type": "str"}],
    })
    package = generate_declarative(spec)
    before = validate_generated(package, level="standard").manual_completion
    assert before is not None and before.lines_to_write == 5  # the default of compute is still to write
    shape = package_shape(package)
    [operation] = open_handlers(package)
    request = handler_prompt(node_context(spec), operation, package.files, project_examples(package.files, None, shape=shape),
                             shape)
    assert "write the body of HandlerFindItem.compute" in request.messages[1].content
    fixture = tmp_path / "answers.json"
    body = "return ModelLookupOutput(operation=request.operation, correlation_id=request.correlation_id, key=request.key.upper())\n"
    append_recording(fixture, recording_for(request, "recorded-model", answer(body, "recorded-model"),
                                            provider="test", endpoint="-"))
    result, report = fill_package(package, FixtureProvider(fixture), mypy_cache=MYPY_CACHE)
    assert [o.status for o in report.outcomes] == ["accepted"], report.describe()
    handler = result.files["handlers/handler_find_item.py"]
    assert "Cache-aside" in handler and "key=request.key.upper()" in handler.split("async def compute(")[1]
    figure = validate_generated(result, level="standard").manual_completion
    assert figure is not None and figure.lines_to_write == 0
    assert figure.lines_by("model") == 5
