"""handlers/handler_<operation>.py: one typed handler class per operation."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.crud import build_crud_handler
from codegen_ast.files.values import effectively_optional, value_imports, value_of
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import FieldSpec, OperationSpec
from codegen_ast.target import NODE_OUTPUTS, WORKFLOW_STEP


def _echo_source(output: FieldSpec, inputs: list[FieldSpec]) -> FieldSpec | None:
    """The input field an output field can honestly be answered from."""
    for candidate in inputs:
        if (
            candidate.name == output.name
            and candidate.type.model_copy(update={"optional": False})
            == output.type.model_copy(update={"optional": False})
            and (effectively_optional(output) or not effectively_optional(candidate))
        ):
            return candidate
    return None


def build_handler(context: NodeContext, operation: OperationSpec) -> cst.Module:
    spec = context.spec
    if spec.database is not None:
        return build_crud_handler(context, operation)
    imports = b.ImportSet()
    imports.add(f"..models.model_{spec.name}_input", context.input_model)
    imports.add(f"..models.model_{spec.name}_output", context.output_model)
    answers: dict[str, b.ExprLike] = {}
    if spec.node_type != "orchestrator":
        answers["operation_id"] = "request.operation_id"
    if spec.node_type == "effect":
        answers["effect_type"] = "request.effect_type"
    answers["correlation_id"] = "request.correlation_id"
    for field in spec.output_fields:
        source = _echo_source(field, spec.input_fields)
        if source is not None:
            answers[field.name] = f"request.{source.name}"
        elif not effectively_optional(field):
            answers[field.name] = value_of(field.type, sample=False)
            for module, item in value_imports(field.type, sample=False):
                imports.add(module, item)
    purpose = operation.description or f"The {operation.name} operation of {spec.class_name}."
    params = [Param("request", context.input_model)]
    methods: list[cst.FunctionDef] = []
    if spec.node_type == "reducer":
        params.append(Param("state", b.binop(context.output_model, "|", "None")))
    elif spec.node_type == "orchestrator":
        params.append(Param("workflow", NODE_OUTPUTS["orchestrator"].name))
        imports.add(NODE_OUTPUTS["orchestrator"].module, NODE_OUTPUTS["orchestrator"].name)
        imports.add(WORKFLOW_STEP.module, WORKFLOW_STEP.name)
        methods.append(
            b.method(
                "plan",
                [Param("request", context.input_model)],
                [b.return_(b.list_())],
                returns=b.subscript("list", WORKFLOW_STEP.name),
                doc="Generated default: no steps (an empty workflow completes at once); plan the steps here.",
            )
        )
    methods.append(
        b.method(
            "handle",
            params,
            [b.return_(b.call(context.output_model, **answers))],
            returns=context.output_model,
            is_async=True,
            doc=(
                "Carry the request's fields into the output; the state machine decides the transition."
                if spec.state_machine is not None
                else "Generated default: echo same-named input fields; put the business logic here."
            ),
        )
    )
    handler = b.class_(context.handler_class(operation.name), [], methods, doc=purpose)
    return b.module(
        [*imports.statements(), handler],
        doc=f"Handler of the {operation.name} operation of {spec.class_name}.",
    )
