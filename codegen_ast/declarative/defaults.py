"""The ``run`` of an operation no pattern carries out: the declared formulas, else
same-named input fields echoed (the place for the business logic); a reducer with
no state machine ``fold``s instead, its formulas reading the answer reduced so far."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.kinds import fold_run, folds
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.files.handlers import formula_statements, output_answers
from codegen_ast.patterns.contribution import NodeContext, RunBody
from codegen_ast.target import ERROR_CODE, ONEX_ERROR


def default_run(context: NodeContext) -> RunBody:
    spec = context.spec
    imports = b.ImportSet()
    computed = formula_statements(context)
    if any(isinstance(statement, cst.Try) for statement in computed):  # a formula divides
        imports.add(ERROR_CODE.module, ERROR_CODE.name).add(ONEX_ERROR.module, ONEX_ERROR.name)
    answers: dict[str, b.ExprLike] = {"operation": "request.operation", "correlation_id": "request.correlation_id"}
    answers |= output_answers(spec, imports)
    if computed:
        doc = "The declared formulas: " + "; ".join(
            f"{f.name} = {f.formula}" for f in spec.output_fields if f.formula is not None
        ) + "."
    else:
        doc = "Generated default: same-named input fields echoed; put the business logic here."
    body = (*computed, b.return_(b.call(context.output_model, **answers)))
    run = RunBody(body, frozenset(imports.pairs()), doc)
    return fold_run(run, DeclarativeNames.of(spec)) if folds(spec) else run
