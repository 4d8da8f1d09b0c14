"""What the workflow modules share: names, the pattern's switch, small tree helpers."""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import OperationSpec
from codegen_ast.target import ERROR_CODE, NODE_OUTPUTS


Statements = list[cst.BaseStatement]


PATTERN = "workflow"
MODULE = "workflows"  # the package module holding the step table
ACTION = "ModelStepAction"
DECLARED = "ModelDeclaredStep"
ACTION_MODULE = "model_step_action"
DECLARED_MODULE = "model_declared_step"
FAILURE = "WorkflowStepFailed"
BODY_METHODS = ("POST", "PUT", "PATCH")
COUNTERS = ("steps_completed", "steps_failed", "steps_compensated", "compensations_failed")
OUTPUT = NODE_OUTPUTS["orchestrator"]


def enabled(context: NodeContext) -> bool:
    return PATTERN in context.selection.patterns


def declares_steps(context: NodeContext, operation: str) -> bool:
    return enabled(context) and any(op.name == operation and op.steps for op in context.spec.operations)


def operation_named(context: NodeContext, name: str) -> OperationSpec:
    return next(op for op in context.spec.operations if op.name == name)


def error_code(member: str) -> cst.BaseExpression:
    return b.dotted(f"{ERROR_CODE.name}.{member}")





def frozenset_of(names: list[str]) -> cst.Call:
    return b.call("frozenset", b.set_(*(b.string_literal(n) for n in names)) if names else b.tuple_())


def path_fields(operation: OperationSpec) -> list[str]:
    """The input fields the paths of the operation's calls and compensations use."""
    calls = [
        call
        for stage in operation.stages
        for step in stage
        for call in (step.call, step.compensate.call if step.compensate else None)
        if call is not None
    ]
    return list(dict.fromkeys(name for call in calls for name in call.placeholders))


def step_tags(step: b.ExprLike) -> cst.Dict:
    return b.dict_({"operation": b.dotted("request.operation"), "step": step})


def log_step(level: str, message: cst.BaseExpression, step: b.ExprLike) -> cst.BaseStatement:
    return idioms.log(level, message, "request.correlation_id", operation="request.operation", step=step)
