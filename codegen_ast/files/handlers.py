"""handlers/handler_<operation>.py: one typed handler class per operation."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast import formulas
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import echo_source, effectively_optional, value_imports, value_of
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import OperationSpec
from codegen_ast.target import ERROR_CODE, ONEX_ERROR, WORKFLOW_STEP


def _formula_statements(context: NodeContext) -> list[cst.BaseStatement]:
    """Each formula into a local of its field's name; a division by zero is the caller's INVALID_INPUT."""
    spec = context.spec
    outputs = {field.name for field in spec.output_fields} if context.kind.keeps_state else set()

    def value(name: str) -> cst.BaseExpression:
        if name in outputs:  # the value reduced so far
            return b.if_exp(b.compare("state", "is not", "None"), b.dotted(f"state.{name}"), b.literal(0))
        return b.dotted(f"request.{name}")

    assignments: list[cst.BaseStatement] = [
        b.assign(field.name, formulas.to_cst(formulas.parse(field.formula), value))
        for field in spec.output_fields
        if field.formula is not None
    ]
    divides = any(formulas.divides(formulas.parse(f.formula)) for f in spec.output_fields if f.formula is not None)
    if not divides:  # + - * and abs/min/max/round cannot fail on numbers
        return assignments
    refused = b.raise_(
        b.call(
            "ModelOnexError",
            message=b.formatted_string("a formula of ", (b.dotted("request.operation"), "r"), " failed: ", b.name("error")),
            error_code="EnumCoreErrorCode.INVALID_INPUT",
            correlation_id="request.correlation_id",
        ),
        cause="error",
    )
    return [b.try_(assignments, [b.except_("ArithmeticError", [refused], as_name="error")])]


def build_handler(context: NodeContext, operation: OperationSpec) -> cst.Module:
    """The handler of an operation no pattern carries out: formulas, or the echo default."""
    spec = context.spec
    imports = b.ImportSet()
    imports.add(f"..models.model_{spec.name}_input", context.input_model)
    imports.add(f"..models.model_{spec.name}_output", context.output_model)
    answers: dict[str, b.ExprLike] = {}
    kind = context.kind
    if not kind.runs_workflow:
        answers["operation_id"] = "request.operation_id"
    if kind.performs_io:
        answers["effect_type"] = "request.effect_type"
    answers["correlation_id"] = "request.correlation_id"
    computed = _formula_statements(context)
    if any(isinstance(statement, cst.Try) for statement in computed):
        imports.add(*ERROR_CODE).add(*ONEX_ERROR)
    for field in spec.output_fields:
        source = echo_source(field, spec.input_fields)
        if field.formula is not None:
            answers[field.name] = b.name(field.name)
        elif source is not None:
            answers[field.name] = f"request.{source.name}"
        elif not effectively_optional(field):
            answers[field.name] = value_of(field.type, sample=False)
            for module, item in value_imports(field.type, sample=False):
                imports.add(module, item)
    purpose = operation.description or f"The {operation.name} operation of {spec.class_name}."
    params = [Param("request", context.input_model)]
    methods: list[cst.FunctionDef] = []
    if kind.keeps_state:
        params.append(Param("state", b.binop(context.output_model, "|", "None")))
    elif kind.runs_workflow:
        params.append(Param("workflow", kind.output_model.name))
        imports.add(*kind.output_model)
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
    if computed:
        doc = "Compute the declared formulas" + (
            " (an output field's own name is its value so far, 0 at first): " if kind.keeps_state else ": "
        ) + "; ".join(f"{f.name} = {f.formula}" for f in spec.output_fields if f.formula is not None) + "."
    elif spec.state_machine is not None:
        doc = "Carry the request's fields into the output; the state machine decides the transition."
    else:
        doc = "Generated default: echo same-named input fields; put the business logic here."
    methods.append(
        b.method(
            "handle",
            params,
            [*computed, b.return_(b.call(context.output_model, **answers))],
            returns=context.output_model,
            is_async=True,
            doc=doc,
        )
    )
    handler = b.class_(context.handler_class(operation.name), [], methods, doc=purpose)
    return b.module(
        [*imports.statements(), handler],
        doc=f"Handler of the {operation.name} operation of {spec.class_name}.",
    )
