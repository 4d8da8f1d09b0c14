"""The ``run`` of an operation no pattern carries out: the declared formulas, else
same-named input fields echoed (the place for the business logic)."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.files.handlers import formula_statements
from codegen_ast.files.values import echo_source, effectively_optional, value_imports, value_of
from codegen_ast.patterns.contribution import NodeContext, RunBody
from codegen_ast.target import ERROR_CODE, ONEX_ERROR


def default_run(context: NodeContext) -> RunBody:
    spec = context.spec
    imports: set[tuple[str, str]] = set()
    computed = formula_statements(context)
    if any(isinstance(statement, cst.Try) for statement in computed):  # a formula divides
        imports |= {(ERROR_CODE.module, ERROR_CODE.name), (ONEX_ERROR.module, ONEX_ERROR.name)}
    answers: dict[str, b.ExprLike] = {"operation": "request.operation", "correlation_id": "request.correlation_id"}
    for field in spec.output_fields:
        source = echo_source(field, spec.input_fields)
        if field.formula is not None:
            answers[field.name] = b.name(field.name)
        elif source is not None:
            answers[field.name] = f"request.{source.name}"
        elif not effectively_optional(field):
            answers[field.name] = value_of(field.type, sample=False)
            imports |= value_imports(field.type, sample=False)
    if computed:
        doc = "The declared formulas: " + "; ".join(
            f"{f.name} = {f.formula}" for f in spec.output_fields if f.formula is not None
        ) + "."
    else:
        doc = "Generated default: same-named input fields echoed; put the business logic here."
    body = (*computed, b.return_(b.call(context.output_model, **answers)))
    return RunBody(body, frozenset(imports), doc)
