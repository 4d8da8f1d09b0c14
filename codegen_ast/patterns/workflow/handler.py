"""The handler of an operation with declared steps: its plan and its answer."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import echo_source
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import OperationSpec
from codegen_ast.target import WORKFLOW_STEP
from codegen_ast.patterns.workflow.common import MODULE, OUTPUT
from codegen_ast.patterns.workflow.describe import describe_steps


def build_workflow_handler(context: NodeContext, operation: OperationSpec) -> cst.Module:
    """A handler whose plan is the declared steps and whose answer comes from
    the steps' answers and the request."""
    spec = context.spec
    imports = b.ImportSet()
    imports.add(f"..models.{spec.input_model_file}", context.input_model)
    imports.add(f"..models.{spec.output_model_file}", context.output_model)
    imports.add(OUTPUT.module, OUTPUT.name)
    imports.add(WORKFLOW_STEP.module, WORKFLOW_STEP.name)
    imports.add(f"..{MODULE}", "plan_declared_steps")
    answers: dict[str, b.ExprLike] = {"correlation_id": b.dotted("request.correlation_id")}
    for field in spec.output_fields:
        source = echo_source(field, spec.input_fields)
        if source is not None:
            answers[field.name] = b.dotted(f"request.{source.name}")
        elif field.type.optional:
            answers[field.name] = b.name("None")  # until a step answers it
    names = [field.name for field in spec.output_fields]
    steps = describe_steps(operation)
    plan = b.method(
        "plan",
        [Param("request", context.input_model)],
        [
            b.return_(
                b.call(
                    "plan_declared_steps",
                    b.string_literal(operation.name),
                    "request.workflow_id",
                    "request.correlation_id",
                )
            )
        ],
        returns=b.subscript("list", WORKFLOW_STEP.name),
        doc="The declared steps (see the class docstring), in stages, as the framework's workflow steps.",
    )
    collect = b.for_(
        "outputs",
        b.call("workflow.step_outputs.values"),
        [
            b.do(
                b.call(
                    "answer.update",
                    cst.DictComp(
                        b.name("name"),
                        b.call("value.to_value"),
                        b.comp_for(b.target_of("name, value"), b.call("outputs.items"), b.compare("name", "in", "OUTPUT_FIELDS")),
                    ),
                )
            )
        ],
    )
    required = [f.name for f in spec.output_fields if f.required and f.name not in answers]
    missing_note = (
        f" A required field no step answers ({', '.join(required)}) fails the operation, and its steps are undone."
        if required
        else ""
    )
    handle = b.method(
        "handle",
        [Param("request", context.input_model), Param("workflow", OUTPUT.name)],
        [
            b.assign("answer", b.dict_(answers), b.annotation("dict[str, object]")),
            b.with_leading_comment(collect, "step_outputs holds each step's answer in the order the steps completed"),
            b.return_(b.call(f"{context.output_model}.model_validate", "answer")),
        ],
        returns=context.output_model,
        is_async=True,
        doc=(
            "The answer once every declared step has run: each output field from the last step answer "
            f"that carries it, else from the request's field of the same name.{missing_note}"
        ),
    )
    purpose = operation.description or f"The {operation.name} operation of {spec.class_name}."
    handler = b.class_(
        context.handler_class(operation.name),
        [],
        [plan, handle],
        doc=f"{purpose} Declared steps: {steps}.",
    )
    fields = b.assign(
        "OUTPUT_FIELDS",
        b.call("frozenset", b.set_(*(b.string_literal(name) for name in names)) if names else b.tuple_()),
        b.annotation("frozenset[str]"),
    )
    return b.module(
        [*imports.statements(), b.with_leading_comment(fields, "the declared output fields a step answer may fill"), handler],
        doc=f"Handler of the {operation.name} operation of {spec.class_name}: a declared workflow.",
    )
