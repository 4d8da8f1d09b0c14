"""node.py's runner of declared steps: stages, concurrency, timeouts, compensation (see the package docstring)."""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.core.metrics import metric_constant
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR, SCHEMA_VALUE, WORKFLOW_STATUS, WORKFLOW_STEP
from codegen_ast.patterns.workflow.common import ACTION, ACTION_MODULE, BODY_METHODS, COUNTERS, DECLARED, DECLARED_MODULE, FAILURE, MODULE, OUTPUT, Statements, error_code, frozenset_of, log_step, path_fields, step_tags
from codegen_ast.patterns.workflow.support import answer_value_function, failure_class, path_segments_function, stages_function, timed_out_function, workflow_error_function


def _run_declared_workflow(context: NodeContext, protocol: str, *, calls: bool) -> cst.FunctionDef:
    skipped = b.list_comp(b.call("str", "step.step_id"), "step", "steps", b.not_("step.enabled"))
    workflow = b.call(
        OUTPUT.name,
        execution_status=b.dotted("EnumWorkflowStatus.COMPLETED.value"),
        execution_time_ms=b.call(
            "round", b.binop(b.parens(b.binop(b.call("time.perf_counter"), "-", "started")), "*", b.literal(1000))
        ),
        start_time=b.call("started_at.isoformat"),
        end_time=b.call(b.attr(b.call("datetime.now", "UTC"), "isoformat")),
        completed_steps=b.list_comp(b.call("str", "step.step_id"), "step", "completed"),
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
            "len", b.list_comp("stage", "stage", "stages", b.compare(b.call("len", "stage"), ">", b.literal(1)))
        ),
    )
    names = b.list_comp("step.step_name", "step", "completed")
    cut_off = b.list_comp("step.step_name", "step", "interrupted")
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
            b.dict_comp(
                "step.name", "step", "stage", b.subscript("WORKFLOWS", "request.operation"), inner=b.comp_for("step", "stage")
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
        returns=b.subscript("tuple", OUTPUT.name, context.output_model),
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
            b.assign("tasks", b.list_comp(create, "step", "stage")),
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
                                    b.comp_for(
                                        b.target_of("step, task"),
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
                            idioms.count(metric_constant("steps_failed"), tags=step_tags("step.step_name")),
                            log_step(
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
            idioms.count(metric_constant("steps_completed"), tags=step_tags("step.step_name")),
            log_step("DEBUG", b.formatted_string("step ", (b.dotted("step.step_name"), "r"), " completed"), "step.step_name"),
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
                    route="action.path",
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
            b.dict_comp(b.call("str", "name"), b.call("_step_answer_value", "value"), "name, value", b.call("answer.items"))
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
                        error_code=error_code("EVENT_BUS_ERROR"),
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
        idioms.count(metric_constant("compensations_failed"), tags=step_tags(name)),
        log_step(
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
        idioms.count(metric_constant("steps_compensated"), tags=step_tags(name)),
        log_step("INFO", b.formatted_string("step ", (name, "r"), " compensated"), name),
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
    """The node's step runner (see the package docstring)."""
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
                    b.dict_({op.name: frozenset_of(path_fields(op)) for op in spec.workflow_operations}),
                    b.annotation("dict[str, frozenset[str]]"),
                ),
                "the fields each operation's calls and compensations put in their paths",
            ),
        ]
    constants += [failure_class(), timed_out_function(), stages_function()]
    if calls:
        constants += [path_segments_function(context), answer_value_function()]
    constants.append(workflow_error_function(context))
    imports = {
        ("asyncio", ""),
        ("time", ""),
        ("datetime", "UTC"),
        ("datetime", "datetime"),
        ("uuid", "UUID"),
        (WORKFLOW_STEP.module, WORKFLOW_STEP.name),
        (OUTPUT.module, OUTPUT.name),
        SCHEMA_VALUE,
        WORKFLOW_STATUS,
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
            _run_declared_workflow(context, context.operation_protocol, calls=calls),
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
