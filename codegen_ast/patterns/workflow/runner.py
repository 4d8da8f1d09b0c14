"""workflow: an orchestrator's declared steps run in order, concurrently where
declared, each within its timeout, with compensation on failure.

An operation may declare ``steps``: stages of one step, or of steps that run
together (``parallel``). Each step sends one HTTP call (through the node's
``http_call``) or publishes one event (through ``_publish_domain_event``),
within its own ``timeout_s`` (0.1 s to 5 min, the framework's per-step range);
it may declare a compensation that undoes it.

What is generated:

- ``workflows.py`` in the package: the step table (``WORKFLOWS``: operation ->
  stages -> ``ModelDeclaredStep``, whose action and compensation are
  ``ModelStepAction``; one model per file under ``models/``), module-level
  data, and ``plan_declared_steps``, which turns an operation's stages into the
  framework's ``ModelWorkflowStep`` list (each step depends on every step of
  the stage before; the steps of a stage share a parallel group; ids derive from
  the workflow id; ``error_action`` is ``compensate`` where a compensation is
  declared). The operation's handler ``plan`` returns it; its ``handle``
  answers each output field from the last step answer (a JSON object) that
  carries it, else from the request's field of that name.
- in ``node.py``, one generic runner: ``_run_declared_workflow`` runs the plan
  (the handler's, or the caller's ``request.steps`` naming declared steps) in
  stages computed from the plan's dependencies, the steps of a stage
  concurrently, each bounded by ``asyncio.timeout`` of its ``timeout_ms``.
  The first failure cancels the steps of its stage still running; then the
  completed steps, and the steps cut off in flight (cancelled, or out of time:
  their calls may still take effect at the other end), are compensated newest
  first (each within its step's time limit; a failing compensation is logged,
  counted and recorded, never hides the original error), and
  ``ModelOnexError`` is raised:
  ``ORCHESTRATOR_EXEC_STEP_TIMEOUT`` (the step's limit or its request's timeout
  ran out) or ``ORCHESTRATOR_EXEC_STEP_FAILED``, naming the step, with the
  correlation id, the completed, interrupted, compensated and not-compensated
  steps in its context, and the step's own error as cause. When every step has run, the
  handler builds the answer; if that fails, the steps are compensated too and
  ``ORCHESTRATOR_EXEC_WORKFLOW_FAILED`` is raised. Cancelling the operation
  compensates the completed and interrupted steps before the cancellation goes
  on. Path placeholders are filled from the request, URL-quoted; a request
  whose value for one is missing, ``''``, ``.`` or ``..`` is refused
  (``VALIDATION_ERROR``) before any step runs, since ``DELETE
  /reservations/..`` would be ``DELETE /``. A JSON answer's value that the
  framework's ``ModelSchemaValue`` cannot hold exactly (an integer beyond
  2**53) is kept as its JSON text rather than failing a step that took effect. A plan step
  with ``enabled=False`` is skipped (``skipped_steps``); a plan naming an
  undeclared step, or one step twice, is refused (``VALIDATION_ERROR``), and one whose dependencies
  can never be met too (``ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY``). Metrics:
  ``steps_completed``, ``steps_failed``, ``steps_compensated``,
  ``compensations_failed``, tagged with the operation and the step.

Relation to the framework's executor: ``execute_workflow_from_contract`` only
plans and emits actions; it performs nothing. Operations that declare steps
therefore run on the node (their plan is still the framework's
``ModelWorkflowStep`` list, and their output carries the framework's fields:
``execution_status``, ``completed_steps`` / ``skipped_steps`` as step ids,
``step_outputs`` by step name, ``metrics``, ``parallel_executions``);
operations without steps keep the framework's executor.

A publish step whose event is not delivered (no event bus bound and no Kafka
producer, or the bus failed) fails the step: the workflow declared the event
as a step, so going on without it would break the saga. (Events published
*after* an operation, ``<node>.<operation>.completed``, still never fail it.)
A step cancelled while running (its stage had a failure) or out of time
counts as not completed, but its call may have reached the service (the
payment may go through after the client gave up), so it is compensated with
the completed steps; a compensation must therefore tolerate finding nothing to
undo.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.files.values import echo_source, value_imports, value_of
from codegen_ast.patterns.http.tests import stand_in_class
from codegen_ast.patterns.integrations.http import UNSAFE_PATH_VALUES
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.core.metrics import metric_constant
from codegen_ast.spec import HttpCallSpec, OperationSpec, StepActionSpec, StepSpec
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, NODE_OUTPUTS, ONEX_ERROR, WORKFLOW_STEP

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
_OUTPUT = NODE_OUTPUTS["orchestrator"]
_SCHEMA_VALUE = ("omnibase_core.models.common.model_schema_value", "ModelSchemaValue")
_WORKFLOW_STATUS = ("omnibase_core.enums.enum_workflow_status", "EnumWorkflowStatus")


def enabled(context: NodeContext) -> bool:
    return PATTERN in context.selection.patterns


def declares_steps(context: NodeContext, operation: str) -> bool:
    return enabled(context) and any(op.name == operation and op.steps for op in context.spec.operations)


def _operation(context: NodeContext, name: str) -> OperationSpec:
    return next(op for op in context.spec.operations if op.name == name)


# --- small tree helpers -------------------------------------------------------


def _code(member: str) -> cst.BaseExpression:
    return b.dotted(f"{ERROR_CODE.name}.{member}")


def _comp(target: str | cst.BaseAssignTargetExpression, iterable: b.ExprLike, *ifs: b.ExprLike) -> cst.CompFor:
    """``for target in iterable if ...`` of a comprehension."""
    return cst.CompFor(
        target=b.name(target) if isinstance(target, str) else target,
        iter=b.expr(iterable),
        ifs=[cst.CompIf(b.expr(test)) for test in ifs],
    )


def _list_comp(element: b.ExprLike, target: str, iterable: b.ExprLike, *ifs: b.ExprLike) -> cst.ListComp:
    return cst.ListComp(b.expr(element), _comp(target, iterable, *ifs))


def _pair(first: str, second: str) -> cst.Tuple:
    return cst.Tuple([cst.Element(b.name(first)), cst.Element(b.name(second))], lpar=[], rpar=[])


def _while(test: b.ExprLike, body: Statements) -> cst.While:
    return cst.While(b.expr(test), b.block(body))


def _frozenset(names: list[str]) -> cst.Call:
    return b.call("frozenset", b.set_(*(b.string_literal(n) for n in names)) if names else b.tuple_())


def _path_fields(operation: OperationSpec) -> list[str]:
    """The input fields the paths of the operation's calls and compensations use."""
    calls = [
        call
        for stage in operation.stages
        for step in stage
        for call in (step.call, step.compensate.call if step.compensate else None)
        if call is not None
    ]
    return list(dict.fromkeys(name for call in calls for name in call.placeholders))


def _tags(step: b.ExprLike) -> cst.Dict:
    return b.dict_({"operation": b.dotted("request.operation"), "step": step})


def _log(level: str, message: cst.BaseExpression, step: b.ExprLike) -> cst.BaseStatement:
    return b.do(
        b.call(
            "self._emit_log",
            f"{LOG_LEVEL.name}.{level}",
            message,
            "request.correlation_id",
            operation="request.operation",
            step=step,
        )
    )


# --- describing the declared steps ---------------------------------------------


def _call_text(call: HttpCallSpec) -> str:
    return f"{call.method} {call.path}"


def _action_text(action: StepActionSpec) -> str:
    return _call_text(action.call) if action.call is not None else f"publishes {action.publish}"


def _undo_text(action: StepActionSpec) -> str:
    return _call_text(action.call) if action.call is not None else f"publishing {action.publish}"


def _step_text(step: StepSpec) -> str:
    undo = f"; undone by {_undo_text(step.compensate)}" if step.compensate is not None else ""
    return f"{step.name} ({_action_text(step)}, within {step.timeout_s:g} s{undo})"


def describe_steps(operation: OperationSpec) -> str:
    """``reserve_stock (POST /reservations, within 5 s; ...); then together: ...``"""
    parts = []
    for stage in operation.stages:
        text = ", ".join(_step_text(step) for step in stage)
        parts.append(f"together: {text}" if len(stage) > 1 else text)
    return "; then ".join(parts)


# --- workflows.py: the step table -------------------------------------------------


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


# --- the handler of an operation with declared steps -------------------------------


def build_workflow_handler(context: NodeContext, operation: OperationSpec) -> cst.Module:
    """A handler whose plan is the declared steps and whose answer comes from
    the steps' answers and the request."""
    spec = context.spec
    imports = b.ImportSet()
    imports.add(f"..models.model_{spec.name}_input", context.input_model)
    imports.add(f"..models.model_{spec.name}_output", context.output_model)
    imports.add(_OUTPUT.module, _OUTPUT.name)
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
                        _comp(_pair("name", "value"), b.call("outputs.items"), b.compare("name", "in", "OUTPUT_FIELDS")),
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
        [Param("request", context.input_model), Param("workflow", _OUTPUT.name)],
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


# --- node.py: the runner -----------------------------------------------------------


def _stages_function() -> cst.FunctionDef:
    unknown_error = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                "operation ", (b.name("operation"), "r"), " declares no step ",
                (b.subscript("unknown", b.literal(0)), "r"), "; declared: ", b.name("names"),
            ),
            error_code=_code("VALIDATION_ERROR"),
            correlation_id="correlation_id",
            operation="operation",
            step=b.subscript("unknown", b.literal(0)),
        )
    )
    repeated_error = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                "operation ", (b.name("operation"), "r"), " plans step ", (b.subscript("repeated", b.literal(0)), "r"),
                " more than once; a declared step runs at most once",
            ),
            error_code=_code("VALIDATION_ERROR"),
            correlation_id="correlation_id",
            operation="operation",
            step=b.subscript("repeated", b.literal(0)),
        )
    )
    stuck_error = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                "steps ", b.name("names"), " of ", (b.name("operation"), "r"),
                " wait on steps that are not planned, or on each other",
            ),
            error_code=_code("ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY"),
            correlation_id="correlation_id",
            operation="operation",
        )
    )
    declared = cst.SetComp(
        b.dotted("step.name"),
        cst.CompFor(
            target=b.name("stage"),
            iter=b.subscript("WORKFLOWS", "operation"),
            inner_for_in=cst.CompFor(target=b.name("step"), iter=b.name("stage")),
        ),
    )
    return b.function(
        "_workflow_stages",
        [Param("operation", "str"), Param("steps", b.subscript("list", WORKFLOW_STEP.name)), Param("correlation_id", "UUID")],
        [
            b.assign("declared", declared),
            b.assign(
                "unknown",
                _list_comp("step.step_name", "step", "steps", b.compare("step.step_name", "not in", "declared")),
            ),
            b.if_(
                "unknown",
                [
                    b.assign("names", b.call(b.attr(b.string_literal(", "), "join"), b.call("sorted", "declared"))),
                    unknown_error,
                ],
            ),
            b.assign("planned", _list_comp("step.step_name", "step", "steps")),
            b.assign(
                "repeated",
                b.call(
                    "sorted",
                    cst.SetComp(
                        b.name("name"),
                        _comp("name", "planned", b.compare(b.call("planned.count", "name"), ">", b.literal(1))),
                    ),
                ),
            ),
            b.if_("repeated", [repeated_error]),
            b.assign(
                "done",
                cst.SetComp(b.dotted("step.step_id"), _comp("step", "steps", b.not_("step.enabled"))),
                b.annotation("set[UUID]"),
            ),
            b.assign("waiting", _list_comp("step", "step", "steps", "step.enabled")),
            b.assign("stages", b.list_(), b.annotation("list[list[ModelWorkflowStep]]")),
            _while(
                "waiting",
                [
                    b.assign(
                        "ready",
                        _list_comp("step", "step", "waiting", b.call("done.issuperset", "step.depends_on")),
                    ),
                    b.if_(
                        b.not_("ready"),
                        [
                            b.assign(
                                "names",
                                b.call(b.attr(b.string_literal(", "), "join"), _list_comp("step.step_name", "step", "waiting")),
                            ),
                            stuck_error,
                        ],
                    ),
                    b.do(b.call("stages.append", "ready")),
                    b.do(b.call("done.update", _list_comp("step.step_id", "step", "ready"))),
                    b.assign(
                        "waiting",
                        _list_comp("step", "step", "waiting", b.compare("step.step_id", "not in", "done")),
                    ),
                ],
            ),
            b.return_("stages"),
        ],
        returns=b.annotation("list[list[ModelWorkflowStep]]"),
        doc=(
            "The plan's enabled steps in stages: a step runs once every step it depends on has run (a "
            "disabled step counts as run), and the steps that become ready together run together. "
            "Refuses steps the operation does not declare, a step planned twice (it would run twice) and "
            "dependencies that can never be met."
        ),
    )


def _failure_class() -> cst.ClassDef:
    init = b.method(
        "__init__",
        [Param("step", "str"), Param("cause", "BaseException")],
        [
            b.do(
                b.call(
                    b.attr(b.call("super"), "__init__"),
                    b.formatted_string("step ", (b.name("step"), "r"), " failed: ", b.name("cause")),
                )
            ),
            b.assign("self.step", "step"),
            b.assign("self.cause", "cause"),
        ],
        returns="None",
    )
    return b.class_(
        FAILURE,
        ["Exception"],
        [init],
        doc="A declared step failed or ran out of time; the runner compensates, then raises ModelOnexError.",
    )


def _timed_out_function() -> cst.FunctionDef:
    return b.function(
        "_step_timed_out",
        [Param("error", b.annotation("BaseException | None"))],
        [
            b.return_(
                b.or_(
                    b.call("isinstance", "error", "TimeoutError"),
                    b.parens(
                        b.and_(
                            b.call("isinstance", "error", ONEX_ERROR.name),
                            b.compare("error.error_code", "==", _code("TIMEOUT")),
                        )
                    ),
                )
            )
        ],
        returns="bool",
        doc="Whether a step failed by running out of time: its own limit, or the timeout of its request.",
    )


def _path_segments_function(context: NodeContext) -> cst.FunctionDef:
    refused = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                "operation ", (b.dotted("request.operation"), "r"), " needs ", b.name("name"),
                " to fill the paths of its steps; got ", (b.name("value"), "r"),
            ),
            error_code=_code("VALIDATION_ERROR"),
            correlation_id="request.correlation_id",
            operation="request.operation",
            field="name",
        )
    )
    names = b.subscript("WORKFLOW_PATH_FIELDS", "request.operation")
    return b.function(
        "_path_segments",
        [Param("request", context.input_model)],
        [
            b.assign("fields", b.call("request.model_dump", mode=b.string_literal("json"), include=b.call("set", names))),
            b.assign("segments", b.dict_({}), b.annotation("dict[str, str]")),
            b.for_(
                "name",
                b.call("sorted", names),
                [
                    b.assign("value", b.call("fields.get", "name")),
                    b.assign("text", b.if_exp(b.compare("value", "is", "None"), b.string_literal(""), b.call("str", "value"))),
                    b.if_(
                        b.compare("text", "in", b.tuple_(*(b.string_literal(s) for s in UNSAFE_PATH_VALUES))),
                        [refused],
                    ),
                    b.assign(b.subscript("segments", "name"), b.call("quote", "text", safe=b.string_literal(""))),
                ],
            ),
            b.return_("segments"),
        ],
        returns=b.annotation("dict[str, str]"),
        doc=(
            "The request's values for the path placeholders of the operation's calls and compensations, "
            "each URL-quoted as one segment. A missing, '', '.' or '..' value is refused (VALIDATION_ERROR): "
            "it would make the path name another resource (DELETE /reservations/.. is DELETE /)."
        ),
    )


def _answer_value_function() -> cst.FunctionDef:
    return b.function(
        "_step_answer_value",
        [Param("value", "object")],
        [
            b.try_(
                [b.return_(b.call("ModelSchemaValue.from_value", "value"))],
                [
                    b.except_(
                        [ONEX_ERROR.name, "ValueError"],
                        [b.return_(b.call("ModelSchemaValue.from_value", b.call("json.dumps", "value")))],
                    )
                ],
            )
        ],
        returns="ModelSchemaValue",
        doc=(
            "One value of a step's JSON answer as the framework's ModelSchemaValue; a value it cannot hold "
            "exactly (an integer beyond 2**53, say) is kept as its JSON text, so an answer never fails a "
            "step whose call has already taken effect."
        ),
    )


def _workflow_error_function(context: NodeContext) -> cst.FunctionDef:
    cause = b.dotted("error.cause")
    step_branch = [
        b.assign("step", "error.step"),
        b.if_(
            b.call("_step_timed_out", cause),
            [
                b.assign("code", _code("ORCHESTRATOR_EXEC_STEP_TIMEOUT")),
                b.assign("outcome", b.string_literal("timed out")),
            ],
            [
                b.assign("code", _code("ORCHESTRATOR_EXEC_STEP_FAILED")),
                b.assign("outcome", b.string_literal("failed")),
            ],
        ),
        b.assign(
            "what",
            b.formatted_string(
                "step ", (b.name("step"), "r"), " ", b.name("outcome"), ": ",
                b.attr(b.call("type", cause), "__name__"), ": ", cause,
            ),
        ),
    ]
    answer_branch = [
        b.assign("step", b.string_literal("")),
        b.assign("code", _code("ORCHESTRATOR_EXEC_WORKFLOW_FAILED")),
        b.assign(
            "what",
            b.formatted_string(
                "the answer could not be built from its steps: ", b.attr(b.call("type", "error"), "__name__"), ": ",
                b.name("error"),
            ),
        ),
    ]
    join = b.attr(b.string_literal(", "), "join")
    return b.function(
        "_workflow_error",
        [
            Param("request", context.input_model),
            Param("error", "Exception"),
            Param("completed", b.subscript("list", "str")),
            Param("interrupted", b.subscript("list", "str")),
            Param("undone", b.annotation("tuple[list[str], list[str]]")),
        ],
        [
            b.assign(b.tuple_("compensated", "not_compensated").with_changes(lpar=[], rpar=[]), "undone"),
            b.if_(b.call("isinstance", "error", FAILURE), step_branch, answer_branch),
            b.assign("names", b.or_(b.call(join, "compensated"), b.string_literal("none"))),
            b.assign(
                "message",
                b.formatted_string(
                    "operation ", (b.dotted("request.operation"), "r"), ": ", b.name("what"), "; compensated: ",
                    b.name("names"),
                ),
            ),
            b.if_(
                "not_compensated",
                [
                    b.assign("left", b.call(join, "not_compensated")),
                    b.augment("message", "+=", b.formatted_string("; compensation failed for: ", b.name("left"))),
                ],
            ),
            b.return_(
                b.call(
                    ONEX_ERROR.name,
                    message="message",
                    error_code="code",
                    correlation_id="request.correlation_id",
                    operation="request.operation",
                    step="step",
                    completed_steps="completed",
                    interrupted_steps="interrupted",
                    compensated_steps="compensated",
                    failed_compensations="not_compensated",
                )
            ),
        ],
        returns=ONEX_ERROR.name,
        doc=(
            "The error a stopped workflow raises: STEP_TIMEOUT or STEP_FAILED naming the step, or "
            "WORKFLOW_FAILED when the answer could not be built; with the completed steps, those cut off "
            "in flight, and ``undone``: the compensated and not compensated steps."
        ),
    )


def _run_declared_workflow(context: NodeContext, protocol: str, *, calls: bool) -> cst.FunctionDef:
    skipped = _list_comp(b.call("str", "step.step_id"), "step", "steps", b.not_("step.enabled"))
    workflow = b.call(
        _OUTPUT.name,
        execution_status=b.dotted("EnumWorkflowStatus.COMPLETED.value"),
        execution_time_ms=b.call(
            "round", b.binop(b.parens(b.binop(b.call("time.perf_counter"), "-", "started")), "*", b.literal(1000))
        ),
        start_time=b.call("started_at.isoformat"),
        end_time=b.call(b.attr(b.call("datetime.now", "UTC"), "isoformat")),
        completed_steps=_list_comp(b.call("str", "step.step_id"), "step", "completed"),
        skipped_steps="skipped",
        step_outputs="outputs",
        metrics=b.dict_(
            {
                "completed_count": b.call("float", b.call("len", "completed")),
                "failed_count": b.literal(0.0),
                "skipped_count": b.call("float", b.call("len", "skipped")),
                "stages_count": b.call("float", b.call("len", "stages")),
            }
        ),
        parallel_executions=b.call(
            "len", _list_comp("stage", "stage", "stages", b.compare(b.call("len", "stage"), ">", b.literal(1)))
        ),
    )
    names = _list_comp("step.step_name", "step", "completed")
    cut_off = _list_comp("step.step_name", "step", "interrupted")
    # the steps cut off in flight started last: reversed, they are undone first
    undo = cst.List([cst.StarredElement(b.name("completed")), cst.StarredElement(b.name("interrupted"))])
    compensate = b.call("self._compensate_steps", "request", "declared", undo)
    cause = b.if_exp(b.call("isinstance", "error", FAILURE), "error.cause", "error")
    check_paths: Statements = []
    if calls:
        check_paths = [
            b.with_leading_comment(
                b.do(b.call("_path_segments", "request")),
                "a request whose paths cannot be filled is refused before any step runs",
            )
        ]
    body: Statements = [
        *check_paths,
        b.assign(
            "stages", b.call("_workflow_stages", "request.operation", "steps", "request.correlation_id")
        ),
        b.assign(
            "declared",
            cst.DictComp(
                b.dotted("step.name"),
                b.name("step"),
                cst.CompFor(
                    target=b.name("stage"),
                    iter=b.subscript("WORKFLOWS", "request.operation"),
                    inner_for_in=cst.CompFor(target=b.name("step"), iter=b.name("stage")),
                ),
            ),
        ),
        b.assign("started_at", b.call("datetime.now", "UTC")),
        b.assign("started", b.call("time.perf_counter")),
        b.assign("completed", b.list_(), b.subscript("list", WORKFLOW_STEP.name)),
        b.assign("interrupted", b.list_(), b.subscript("list", WORKFLOW_STEP.name)),
        b.assign("outputs", b.dict_({}), b.annotation("dict[str, dict[str, ModelSchemaValue]]")),
        b.try_(
            [
                b.for_(
                    "stage",
                    "stages",
                    [
                        b.do(
                            b.await_(
                                b.call(
                                    "self._run_step_stage", "request", "stage", "declared", "completed", "interrupted", "outputs"
                                )
                            )
                        )
                    ],
                ),
                b.assign("skipped", skipped),
                b.assign("workflow", workflow),
                b.assign("output", b.await_(b.call("handler.handle", "request", "workflow"))),
            ],
            [
                b.except_(
                    "asyncio.CancelledError",
                    [
                        b.with_leading_comment(
                            b.do(b.await_(compensate)), "the caller gave up: undo what was done, then let it go on"
                        ),
                        b.raise_(),
                    ],
                ),
                b.except_(
                    "Exception",
                    [
                        b.assign("undone", b.await_(compensate)),
                        b.raise_(
                            b.call("_workflow_error", "request", "error", names, cut_off, "undone"),
                            cause=cause,
                        ),
                    ],
                    as_name="error",
                ),
            ],
        ),
        b.return_(b.tuple_("workflow", "output").with_changes(lpar=[], rpar=[])),
    ]
    return b.method(
        "_run_declared_workflow",
        [
            Param("request", context.input_model),
            Param("steps", b.subscript("list", WORKFLOW_STEP.name)),
            Param("handler", protocol),
        ],
        body,
        returns=b.subscript("tuple", _OUTPUT.name, context.output_model),
        is_async=True,
        doc=(
            "Run the operation's declared steps as planned: stage after stage, the steps of a stage "
            "concurrently, each within its time limit; then build the answer. When a step fails or times "
            "out, or the answer cannot be built, the completed steps and those cut off in flight are "
            "compensated newest first and a ModelOnexError names the step and the compensated steps."
        ),
    )


def _run_step_stage(context: NodeContext) -> cst.FunctionDef:
    create = b.call(
        "asyncio.create_task",
        b.call(
            "self._run_declared_step",
            "request",
            "step",
            b.subscript("declared", "step.step_name"),
            "completed",
            "outputs",
        ),
        name=b.formatted_string(b.dotted("request.operation"), ".", b.dotted("step.step_name")),
    )
    return b.method(
        "_run_step_stage",
        [
            Param("request", context.input_model),
            Param("stage", b.subscript("list", WORKFLOW_STEP.name)),
            Param("declared", b.annotation("dict[str, ModelDeclaredStep]")),
            Param("completed", b.subscript("list", WORKFLOW_STEP.name)),
            Param("interrupted", b.subscript("list", WORKFLOW_STEP.name)),
            Param("outputs", b.annotation("dict[str, dict[str, ModelSchemaValue]]")),
        ],
        [
            b.assign("tasks", _list_comp(create, "step", "stage")),
            b.try_(
                [b.do(b.await_(b.call("asyncio.wait", "tasks", return_when="asyncio.FIRST_EXCEPTION")))],
                finally_=[
                    b.with_leading_comment(
                        b.for_("task", "tasks", [b.do(b.call("task.cancel"))]),
                        "on a failure (or when the caller gives up) the steps still running are cancelled",
                    ),
                    b.do(b.await_(b.call("asyncio.gather", b.star("tasks"), return_exceptions=b.name("True")))),
                    b.with_leading_comment(
                        b.do(
                            b.call(
                                "interrupted.extend",
                                cst.ListComp(
                                    b.name("step"),
                                    _comp(
                                        _pair("step", "task"),
                                        b.call("zip", "stage", "tasks", strict=b.name("True")),
                                        b.or_(b.call("task.cancelled"), b.call("_step_timed_out", b.call("task.exception"))),
                                    ),
                                ),
                            )
                        ),
                        "a step cut off while its call was out (cancelled, or out of time) may still take effect",
                    ),
                ],
            ),
            b.for_(
                "step, task",
                b.call("zip", "stage", "tasks", strict=b.name("True")),
                [
                    b.assign(
                        "error", b.if_exp(b.call("task.cancelled"), "None", b.call("task.exception"))
                    ),
                    b.if_(
                        b.compare("error", "is not", "None"),
                        [
                            b.do(
                                b.call(
                                    "self.increment_counter",
                                    metric_constant("steps_failed"),
                                    tags=_tags("step.step_name"),
                                )
                            ),
                            _log(
                                "WARNING",
                                b.formatted_string(
                                    "step ", (b.dotted("step.step_name"), "r"), " failed: ",
                                    b.attr(b.call("type", "error"), "__name__"), ": ", b.name("error"),
                                ),
                                "step.step_name",
                            ),
                            b.raise_(b.call(FAILURE, "step.step_name", "error"), cause="error"),
                        ],
                    ),
                ],
            ),
        ],
        returns="None",
        is_async=True,
        doc=(
            "Run one stage's steps concurrently. The first failure cancels the steps still running (they "
            "count as not completed, but as interrupted, like the steps that ran out of time: their calls "
            f"may still take effect) and is raised as {FAILURE} naming the step."
        ),
    )


def _run_declared_step(context: NodeContext) -> cst.FunctionDef:
    return b.method(
        "_run_declared_step",
        [
            Param("request", context.input_model),
            Param("step", WORKFLOW_STEP.name),
            Param("declared", DECLARED),
            Param("completed", b.subscript("list", WORKFLOW_STEP.name)),
            Param("outputs", b.annotation("dict[str, dict[str, ModelSchemaValue]]")),
        ],
        [
            b.with_(
                [(b.call("asyncio.timeout", b.binop("step.timeout_ms", "/", b.literal(1000.0))), None)],
                [
                    b.assign(
                        "answer",
                        b.await_(b.call("self._run_step_action", "request", "step.step_name", "declared.action")),
                    )
                ],
                is_async=True,
            ),
            b.do(b.call("completed.append", "step")),
            b.assign(b.subscript("outputs", "step.step_name"), "answer"),
            b.do(b.call("self.increment_counter", metric_constant("steps_completed"), tags=_tags("step.step_name"))),
            _log("DEBUG", b.formatted_string("step ", (b.dotted("step.step_name"), "r"), " completed"), "step.step_name"),
        ],
        returns="None",
        is_async=True,
        doc="Run one step within the plan's time limit; record it as completed, with what it answered.",
    )


def _http_branch() -> Statements:
    return [
        b.assign("path", b.call("action.path.format_map", b.call("_path_segments", "request"))),
        b.assign(
            "response",
            b.await_(
                b.call(
                    "self.http_call",
                    "action.method",
                    "path",
                    json=b.if_exp(b.compare("action.method", "in", "WORKFLOW_BODY_METHODS"), "fields", "None"),
                    timeout_s="action.timeout_s",
                    attempts="action.attempts",
                    correlation_id="request.correlation_id",
                )
            ),
        ),
        b.try_(
            [b.assign("answer", b.call("response.json"), "object")],
            [
                b.except_(
                    "ValueError",
                    [b.with_leading_comment(b.assign("answer", "None"), "no JSON answer: nothing to record")],
                )
            ],
        ),
        b.if_(b.not_(b.call("isinstance", "answer", "dict")), [b.return_(b.dict_({}))]),
        b.return_(
            cst.DictComp(
                b.call("str", "name"),
                b.call("_step_answer_value", "value"),
                _comp(_pair("name", "value"), b.call("answer.items")),
            )
        ),
    ]


def _publish_branch() -> Statements:
    payload = cst.Dict(
        [
            cst.StarredDictElement(b.name("fields")),
            cst.DictElement(b.string_literal("operation"), b.dotted("request.operation")),
            cst.DictElement(b.string_literal("step"), b.name("step")),
        ]
    )
    return [
        b.assign(
            "delivered",
            b.await_(
                b.call("self._publish_domain_event", "action.event_type", payload, "request.correlation_id")
            ),
        ),
        b.if_(
            b.not_("delivered"),
            [
                b.raise_(
                    b.call(
                        ONEX_ERROR.name,
                        message=b.formatted_string(
                            "step ", (b.name("step"), "r"), ": event ", (b.dotted("action.event_type"), "r"),
                            " was not delivered (no event bus bound and no Kafka producer, or publishing failed)",
                        ),
                        error_code=_code("EVENT_BUS_ERROR"),
                        correlation_id="request.correlation_id",
                        step="step",
                        event_type="action.event_type",
                    )
                )
            ],
        ),
        b.return_(b.dict_({})),
    ]


def _run_step_action(context: NodeContext, *, calls: bool, events: bool) -> cst.FunctionDef:
    body: Statements = [
        b.assign(
            "fields",
            b.call("request.model_dump", mode=b.string_literal("json"), include=b.call("set", "WORKFLOW_INPUT_FIELDS")),
            b.annotation("dict[str, object]"),
        )
    ]
    if calls and events:
        body += [b.if_("action.event_type", _publish_branch()), *_http_branch()]
    elif events:
        body += _publish_branch()
    else:
        body += _http_branch()
    kinds = []
    if events:
        kinds.append(
            "publish its event (the request's declared fields, the operation and the step as payload; an "
            "event that is not delivered fails the step)"
        )
    if calls:
        kinds.append(
            "send its HTTP call (path placeholders URL-quoted from the request's fields, those fields as "
            "the JSON body of POST, PUT and PATCH) and return the fields of a JSON object answer"
        )
    return b.method(
        "_run_step_action",
        [Param("request", context.input_model), Param("step", "str"), Param("action", ACTION)],
        body,
        returns=b.annotation("dict[str, ModelSchemaValue]"),
        is_async=True,
        doc=f"Carry out one action of step ``step``: {', or '.join(kinds)}.",
    )


def _compensate_steps(context: NodeContext) -> cst.FunctionDef:
    name = b.dotted("step.step_name")
    entry = b.subscript("declared", name)
    failed = [
        b.do(b.call("not_compensated.append", name)),
        b.do(b.call("self.increment_counter", metric_constant("compensations_failed"), tags=_tags(name))),
        _log(
            "ERROR",
            b.formatted_string(
                "compensating step ", (name, "r"), " failed: ", b.attr(b.call("type", "error"), "__name__"), ": ",
                b.name("error"),
            ),
            name,
        ),
    ]
    undone = [
        b.do(b.call("compensated.append", name)),
        b.do(b.call("self.increment_counter", metric_constant("steps_compensated"), tags=_tags(name))),
        _log("INFO", b.formatted_string("step ", (name, "r"), " compensated"), name),
    ]
    return b.method(
        "_compensate_steps",
        [
            Param("request", context.input_model),
            Param("declared", b.annotation("dict[str, ModelDeclaredStep]")),
            Param("steps", b.subscript("list", WORKFLOW_STEP.name)),
        ],
        [
            b.assign("compensated", b.list_(), b.annotation("list[str]")),
            b.assign("not_compensated", b.list_(), b.annotation("list[str]")),
            b.for_(
                "step",
                b.call("reversed", "steps"),
                [
                    b.assign("compensation", b.attr(entry, "compensation")),
                    b.if_(
                        b.compare("compensation", "is not", "None"),
                        [
                            b.try_(
                                [
                                    b.with_(
                                        [(b.call("asyncio.timeout", b.attr(entry, "timeout_s")), None)],
                                        [b.do(b.await_(b.call("self._run_step_action", "request", name, "compensation")))],
                                        is_async=True,
                                    )
                                ],
                                [b.except_("Exception", failed, as_name="error")],
                                orelse=undone,
                            )
                        ],
                    ),
                ],
            ),
            b.return_(b.tuple_("compensated", "not_compensated").with_changes(lpar=[], rpar=[])),
        ],
        returns=b.annotation("tuple[list[str], list[str]]"),
        is_async=True,
        doc=(
            "Undo ``steps`` newest first (listed as the completed steps, then those cut off in flight, "
            "which are therefore undone first), each within its step's time limit; a step that declares "
            "no compensation is passed over. A failing "
            "compensation is logged, counted and recorded, and the next one still runs: it never hides "
            "the error that stopped the workflow. Returns the steps compensated and those whose "
            "compensation failed."
        ),
    )


def build_workflow(context: NodeContext) -> Contribution:
    """The node's step runner (see the module docstring)."""
    from codegen_ast.patterns.core.node_kinds import operation_protocol

    spec = context.spec
    calls = bool(spec.step_calls)
    events = bool(spec.step_events)
    inputs = [field.name for field in spec.input_fields]
    constants: Statements = [
        b.with_leading_comment(
            b.assign(
                "WORKFLOW_INPUT_FIELDS",
                b.call("frozenset", b.set_(*(b.string_literal(n) for n in inputs)) if inputs else b.tuple_()),
                b.annotation("frozenset[str]"),
            ),
            "the request's declared fields: request bodies and event payloads",
        ),
    ]
    if calls:
        constants += [
            b.assign("WORKFLOW_BODY_METHODS", b.call("frozenset", b.set_(*(b.string_literal(m) for m in BODY_METHODS)))),
            b.with_leading_comment(
                b.assign(
                    "WORKFLOW_PATH_FIELDS",
                    b.dict_({op.name: _frozenset(_path_fields(op)) for op in spec.workflow_operations}),
                    b.annotation("dict[str, frozenset[str]]"),
                ),
                "the fields each operation's calls and compensations put in their paths",
            ),
        ]
    constants += [_failure_class(), _timed_out_function(), _stages_function()]
    if calls:
        constants += [_path_segments_function(context), _answer_value_function()]
    constants.append(_workflow_error_function(context))
    imports = {
        ("asyncio", ""),
        ("time", ""),
        ("datetime", "UTC"),
        ("datetime", "datetime"),
        ("uuid", "UUID"),
        (WORKFLOW_STEP.module, WORKFLOW_STEP.name),
        (_OUTPUT.module, _OUTPUT.name),
        _SCHEMA_VALUE,
        _WORKFLOW_STATUS,
        (ONEX_ERROR.module, ONEX_ERROR.name),
        (ERROR_CODE.module, ERROR_CODE.name),
        (LOG_LEVEL.module, LOG_LEVEL.name),
        (f".{MODULE}", "WORKFLOWS"),
        (f".models.{ACTION_MODULE}", ACTION),
        (f".models.{DECLARED_MODULE}", DECLARED),
    }
    if calls:
        imports |= {("urllib.parse", "quote"), ("json", "")}
    return Contribution(
        imports=imports,
        module_statements=constants,
        methods=[
            _run_declared_workflow(context, operation_protocol(context), calls=calls),
            _run_step_stage(context),
            _run_declared_step(context),
            _run_step_action(context, calls=calls, events=events),
            _compensate_steps(context),
        ],
        counters=list(COUNTERS),
    )


def run_statements(context: NodeContext) -> Statements:
    """``workflow`` and ``output`` of the process path: declared steps run on the
    node, other operations through the framework's executor."""
    declared = b.tuple_("workflow", "output").with_changes(lpar=[], rpar=[])
    on_node = [b.assign(declared, b.await_(b.call("self._run_declared_workflow", "request", "steps", "handler")))]
    framework = [
        b.assign("workflow", b.await_(b.call("self._run_workflow", "request", "steps"))),
        b.assign("output", b.await_(b.call("handler.handle", "request", "workflow"))),
    ]
    if all(op.steps for op in context.spec.effective_operations):
        return on_node
    return [b.if_(b.compare("request.operation", "in", "WORKFLOWS"), on_node, framework)]


# --- the generated package's own tests ------------------------------------------------

STAND_IN = "StandInWorkflowEndpoints"
_ASYNC = "pytest.mark.asyncio"


def _calls(operation: OperationSpec) -> list[tuple[StepSpec, HttpCallSpec]]:
    return [(step, step.call) for stage in operation.stages for step in stage if step.call is not None]


def test_support(context: NodeContext, imports: b.ImportSet) -> Statements:
    """Module level of the test file: a stand-in of the services the steps call,
    and ``filled``, which fills a declared path the way the node does."""
    if not enabled(context) or not context.spec.step_calls:
        return []
    imports.add("httpx").add("typing", "Self").add("urllib.parse", "quote").add("pydantic_core", "to_jsonable_python")
    samples = b.dict_(dict(_answered_samples(context, imports)))
    answer_constant = b.with_leading_comment(
        b.assign("WORKFLOW_STAND_IN_ANSWER", samples, b.annotation("dict[str, object]")),
        "what the stand-in answers every call with: sample values of the output fields the request does not carry",
    )
    service = stand_in_class(
        context,
        STAND_IN,
        "WORKFLOW_STAND_IN_ANSWER",
        failing=True,
        doc=(
            "In-process stand-in for the services the workflow steps call (an httpx.MockTransport): records "
            "each request and answers it, failing the one request named by ``fail`` ('METHOD /path')."
        ),
    )
    filled = b.function(
        "filled",
        [Param("template", "str"), Param("request", context.input_model)],
        [
            b.assign("fields", b.call("request.model_dump", mode=b.string_literal("json"))),
            b.return_(
                b.call(
                    "template.format_map",
                    cst.DictComp(
                        b.name("name"),
                        b.call("quote", b.call("str", "value"), safe=b.string_literal("")),
                        _comp(_pair("name", "value"), b.call("fields.items"), b.compare("value", "is not", "None")),
                    ),
                )
            ),
        ],
        returns="str",
        doc="A declared path with its placeholders filled from the request, as the node fills them.",
    )
    return [answer_constant, service, filled]


def _answered_samples(context: NodeContext, imports: b.ImportSet) -> list[tuple[str, b.ExprLike]]:
    """(name, sample) of each output field a step answer has to fill (the request carries no field of its name)."""

    chosen: list[tuple[str, b.ExprLike]] = []
    for field in context.spec.output_fields:
        if echo_source(field, context.spec.input_fields) is None:
            chosen.append((field.name, value_of(field.type, sample=True)))
            for module, item in value_imports(field.type, sample=True):
                imports.add(module, item)
    return chosen


def _sent(call: HttpCallSpec) -> cst.BinaryOperation:
    return b.binop(b.string_literal(f"{call.method} "), "+", b.call("filled", b.string_literal(call.path), "request"))


def _sent_requests(source: b.ExprLike) -> cst.ListComp:
    return _list_comp(b.formatted_string(b.dotted("sent.method"), " ", b.dotted("sent.url.path")), "sent", source)


def _event_types(events: list[str]) -> cst.ListComp:
    return _list_comp(
        "envelope.event_type",
        "envelope",
        "bus.envelopes",
        b.compare("envelope.event_type", "in", b.set_(*(b.string_literal(e) for e in sorted(set(events))))),
    )


def attach(context: NodeContext, operation: str, *, fail: b.ExprLike | None = None) -> Statements:
    """What a test does before running ``operation``: the stand-in services and
    a recording event bus (the declared steps need both)."""
    if not declares_steps(context, operation):
        return []
    statements: Statements = []
    if _calls(_operation(context, operation)):
        args = [fail] if fail is not None else []
        statements.append(b.assign("services", b.call(f"{STAND_IN}.attach", "node", *args)))
    if "MixinEventBus" in context.selection.provides:
        statements += [
            b.assign("bus", b.call("RecordingEventBus")),
            b.do(b.call("node.bind_event_bus", b.call("cast", "ProtocolEventBus", "bus"))),
        ]
    return statements


def workflow_tests(context: NodeContext, operation: str, request: cst.Call, imports: b.ImportSet) -> list[cst.FunctionDef]:
    """The operation runs its declared steps; when its last lone call step fails,
    the steps before it are compensated and the error names the step."""
    declared = _operation(context, operation)
    imports.add("typing", "cast").add("omnibase_core.protocols.event_bus", "ProtocolEventBus")
    steps = [step for stage in declared.stages for step in stage]
    events = [step.publish for step in steps if step.publish is not None]
    calls = _calls(declared)
    bus = "MixinEventBus" in context.selection.provides
    body: Statements = [
        b.assign("request", request),
        *attach(context, operation),
        b.assign("output", b.await_(b.call("node.process", "request"))),
        b.assert_(b.call("isinstance", "output", context.output_model)),
        b.assert_(b.compare("output.execution_status", "==", b.string_literal("completed"))),
        b.assert_(b.compare("output.correlation_id", "==", "request.correlation_id")),
        b.assert_(b.compare(b.call("len", "output.completed_steps"), "==", b.literal(len(steps)))),
    ]
    if calls:
        body += [
            b.assert_(b.compare(b.dotted(f"output.{name}"), "==", sample))
            for name, sample in _answered_samples(context, imports)
        ]
        body += [
            b.assert_(
                b.compare(
                    b.call("sorted", _sent_requests("services.requests")),
                    "==",
                    b.call("sorted", b.list_(*(_sent(call) for _, call in calls))),
                )
            ),
            b.assert_(
                b.call(
                    "all",
                    cst.GeneratorExp(
                        b.compare(
                            b.subscript("sent.headers", b.string_literal("X-Correlation-ID")),
                            "==",
                            b.call("str", "request.correlation_id"),
                        ),
                        _comp("sent", "services.requests"),
                        lpar=[],
                        rpar=[],
                    ),
                )
            ),
        ]
    if events and bus:
        body.append(
            b.assert_(
                b.compare(
                    b.call("sorted", _event_types(events)), "==", b.list_(*(b.string_literal(e) for e in sorted(events)))
                )
            )
        )
    tests = [
        b.function(
            f"test_{operation}_runs_its_declared_steps",
            [Param("node", context.spec.class_name)],
            body,
            returns="None",
            is_async=True,
            decorators=[_ASYNC],
        )
    ]
    lone = [stage[0] for stage in declared.stages if len(stage) == 1 and stage[0].call is not None]
    if not lone:
        return tests
    failing = lone[-1]
    assert failing.call is not None
    index = next(i for i, stage in enumerate(declared.stages) if stage == [failing])
    before = [step for stage in declared.stages[:index] for step in stage]
    undo_calls = [step.compensate.call for step in before if step.compensate is not None and step.compensate.call]
    undo_events = [step.compensate.publish for step in before if step.compensate is not None and step.compensate.publish]
    sent_before = len([step for step in before if step.call is not None]) + 1
    failure: Statements = [
        b.assign("request", request),
        *attach(context, operation, fail=_sent(failing.call)),
        b.with_(
            [(b.call("pytest.raises", ONEX_ERROR.name), "caught")],
            [b.do(b.await_(b.call("node.process", "request")))],
        ),
        b.assert_(b.compare("caught.value.error_code", "==", _code("ORCHESTRATOR_EXEC_STEP_FAILED"))),
        b.assert_(b.compare("caught.value.correlation_id", "==", "request.correlation_id")),
        b.assert_(b.compare(b.string_literal(repr(failing.name)), "in", "caught.value.message")),
        b.with_leading_comment(
            b.assert_(
                b.compare(
                    b.call(
                        "sorted",
                        _sent_requests(
                            cst.Subscript(
                                b.dotted("services.requests"),
                                [cst.SubscriptElement(cst.Slice(lower=b.literal(sent_before), upper=None))],
                            )
                        ),
                    ),
                    "==",
                    b.call("sorted", b.list_(*(_sent(call) for call in undo_calls))),
                )
            ),
            "after the failed request: the compensations of the steps before it",
        ),
    ]
    if undo_events and bus:
        failure.append(
            b.assert_(
                b.compare(
                    b.call("sorted", _event_types(undo_events)),
                    "==",
                    b.list_(*(b.string_literal(e) for e in sorted(undo_events))),
                )
            )
        )
    tests.append(
        b.function(
            f"test_{operation}_compensates_when_{failing.name}_fails",
            [Param("node", context.spec.class_name)],
            failure,
            returns="None",
            is_async=True,
            decorators=[_ASYNC],
        )
    )
    return tests
