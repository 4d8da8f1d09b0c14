"""The workflow pattern's record: an orchestrator's declared steps, run on the node."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.declarative import kinds
from codegen_ast.decisions import Selection
from codegen_ast.files.values import sample_request
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.patterns.workflow import tests as workflow_tests
from codegen_ast.patterns.workflow.common import declares_steps
from codegen_ast.patterns.workflow.handler import build_workflow_handler
from codegen_ast.patterns.workflow.runner import build_workflow
from codegen_ast.patterns.workflow.steps import build_workflow_modules, model_exports
from codegen_ast.spec import NodeSpec


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    if spec.workflow_operations:
        return f"{len(spec.workflow_operations)} operation(s) declare workflow steps"
    return None


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    stepped = [operation for operation in context.spec.operations if declares_steps(context, operation.name)]
    imports = b.ImportSet()
    tests = GeneratedTests(
        imports=imports,
        support=workflow_tests.test_support(context, imports),
        operations={
            operation.name: list(
                workflow_tests.workflow_tests(
                    context, operation.name, sample_request(context, operation.name, imports), imports
                )
            )
            for operation in stepped
        },
        arrange={operation.name: workflow_tests.attach(context, operation.name) for operation in stepped},
    )
    contribution = build_workflow(context)
    contribution.handlers = {operation.name: build_workflow_handler(context, operation) for operation in stepped}
    contribution.modules = build_workflow_modules(context)
    contribution.model_exports = model_exports()
    contribution.tests = tests
    return contribution


PATTERN = Pattern(
    name=PatternName.WORKFLOW,
    summary=(
        "an orchestrator's declared steps run in order, concurrently where declared, each within its "
        "timeout, with compensation on failure."
    ),
    applies=_applies,
    build=_build,
    example=Example(
        before="steps:\n  - {name: reserve_stock, call: {method: POST, path: /reservations}, timeout_s: 5}",
        after="workflow = await self._run_declared_workflow(request, steps, handler)",
    ),
    tests=("tests/test_workflow_orchestrator.py",),
    declarative=kinds.build_orchestrator,
)
