"""``workflows.py`` of the package: the step table, its models and the planner."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import HttpCallSpec, StepActionSpec, StepSpec
from codegen_ast.target import WORKFLOW_STEP
from codegen_ast.patterns.workflow.common import ACTION, ACTION_MODULE, DECLARED, DECLARED_MODULE, MODULE


def request_timeout_s(call: HttpCallSpec, step_timeout_s: float) -> float:
    """Each send's time limit: the call's own when declared, else an even share of
    the step's limit, so that a retry can still happen within the step."""
    if "timeout_s" in call.model_fields_set:
        return float(call.timeout_s)
    return round(min(call.timeout_s, step_timeout_s / call.attempts), 3)


def _action(action: StepActionSpec, step_timeout_s: float) -> cst.Call:
    if action.call is not None:
        return b.call(
            ACTION,
            method=b.string_literal(action.call.method),
            path=b.string_literal(action.call.path),
            timeout_s=b.literal(request_timeout_s(action.call, step_timeout_s)),
            attempts=b.literal(action.call.attempts),
        )
    assert action.publish is not None
    return b.call(ACTION, event_type=b.string_literal(action.publish))


def _declared(step: StepSpec) -> cst.Call:
    fields: dict[str, b.ExprLike] = {
        "name": b.string_literal(step.name),
        "timeout_s": b.literal(float(step.timeout_s)),
        "action": _action(step, step.timeout_s),
    }
    if step.compensate is not None:
        fields["compensation"] = _action(step.compensate, step.timeout_s)
    return b.call(DECLARED, **fields)


def _model(name: str, fields: list[cst.BaseStatement], doc: str) -> cst.ClassDef:
    config = b.assign(
        "model_config", b.call("ConfigDict", frozen=b.name("True"), extra=b.string_literal("forbid"))
    )
    return b.class_(name, ["BaseModel"], [config, *fields], doc=doc)


def _plan_function() -> cst.FunctionDef:
    step = b.call(
        WORKFLOW_STEP.name,
        correlation_id="correlation_id",
        step_id="step_id",
        step_name="step.name",
        step_type=b.string_literal("effect"),
        timeout_ms=b.call("round", b.binop("step.timeout_s", "*", b.literal(1000))),
        retry_count=b.binop("step.action.attempts", "-", b.literal(1)),
        error_action=b.if_exp(
            b.compare("step.compensation", "is not", "None"), b.string_literal("compensate"), b.string_literal("stop")
        ),
        order_index="index",
        depends_on="previous",
        parallel_group="group",
    )
    return b.function(
        "plan_declared_steps",
        [Param("operation", "str"), Param("workflow_id", "UUID"), Param("correlation_id", "UUID")],
        [
            b.assign("steps", b.list_(), b.subscript("list", WORKFLOW_STEP.name)),
            b.assign("previous", b.list_(), b.annotation("list[UUID]")),
            b.for_(
                "index, stage",
                b.call("enumerate", b.subscript("WORKFLOWS", "operation")),
                [
                    b.assign("current", b.list_comp(b.call("uuid5", "workflow_id", "step.name"), "step", "stage")),
                    b.assign(
                        "group",
                        b.if_exp(
                            b.compare(b.call("len", "stage"), ">", b.literal(1)),
                            b.formatted_string(b.name("operation"), ".stage_", b.name("index")),
                            "None",
                        ),
                    ),
                    b.for_(
                        "step_id, step",
                        b.call("zip", "current", "stage", strict=b.name("True")),
                        [b.do(b.call("steps.append", step))],
                    ),
                    b.assign("previous", "current"),
                ],
            ),
            b.return_("steps"),
        ],
        returns=b.subscript("list", WORKFLOW_STEP.name),
        doc=(
            "The operation's declared stages as the framework's workflow steps: each step depends on "
            "every step of the stage before, the steps of a stage share a parallel group, and step ids "
            "derive from the workflow id (the same plan names the same steps)."
        ),
    )


def _model_module(name: str, fields: list[cst.BaseStatement], doc: str, *more: tuple[str, str]) -> cst.Module:
    imports = b.ImportSet().add("pydantic", "BaseModel").add("pydantic", "ConfigDict")
    for module, item in more:
        imports.add(module, item)
    return b.module([*imports.statements(), _model(name, fields, doc)], doc=doc)


def model_exports() -> list[tuple[str, str]]:
    """The models the step table is made of, for ``models/__init__.py``."""
    return [(f".{ACTION_MODULE}", ACTION), (f".{DECLARED_MODULE}", DECLARED)]


def build_workflow_modules(context: NodeContext) -> dict[str, cst.Module]:
    """``workflows.py`` (the declared steps of every operation, as data) and
    the two models it is made of (one model per file, as onex validate asks)."""
    spec = context.spec
    action = _model_module(
        ACTION,
        [
            b.assign("method", b.string_literal(""), "str"),
            b.assign("path", b.string_literal(""), "str"),
            b.assign("timeout_s", b.literal(10.0), "float"),
            b.assign("attempts", b.literal(1), "int"),
            b.assign("event_type", b.string_literal(""), "str"),
        ],
        "What a workflow step or its compensation does: one HTTP call (method; path whose {field} "
        "placeholders are filled from the request; timeout per request; attempts, more than one only for "
        "idempotent methods), or one event when event_type is set.",
    )
    declared = _model_module(
        DECLARED,
        [
            b.declare("name", "str"),
            b.declare("timeout_s", "float"),
            b.declare("action", ACTION),
            b.assign("compensation", "None", b.binop(ACTION, "|", "None")),
        ],
        "One declared workflow step: its name, its time limit, what it does and what undoes it.",
        (f".{ACTION_MODULE}", ACTION),
    )
    imports = b.ImportSet()
    imports.add("uuid", "UUID").add("uuid", "uuid5")
    imports.add(WORKFLOW_STEP.module, WORKFLOW_STEP.name)
    imports.add(f".models.{ACTION_MODULE}", ACTION).add(f".models.{DECLARED_MODULE}", DECLARED)
    table = b.dict_(
        {
            op.name: b.tuple_(*(b.tuple_(*(_declared(step) for step in stage)) for stage in op.stages))
            for op in spec.workflow_operations
        }
    )
    workflows = b.module(
        [
            *imports.statements(),
            b.assign("WORKFLOWS", table, b.annotation("dict[str, tuple[tuple[ModelDeclaredStep, ...], ...]]")),
            _plan_function(),
        ],
        doc=(
            f"The declared workflows of {spec.class_name}: for each operation its stages (the steps of a "
            "stage run together), what each step does, its time limit and what undoes it."
        ),
    )
    return {
        f"{MODULE}.py": workflows,
        f"models/{ACTION_MODULE}.py": action,
        f"models/{DECLARED_MODULE}.py": declared,
    }
