"""Module-level helpers of the runner in node.py: stages from dependencies, the step failure, timeouts, paths, answers, errors."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.integrations.http import UNSAFE_PATH_VALUES
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.target import ONEX_ERROR, WORKFLOW_STEP
from codegen_ast.patterns.workflow.common import FAILURE, error_code


def stages_function() -> cst.FunctionDef:
    unknown_error = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                "operation ", (b.name("operation"), "r"), " declares no step ",
                (b.subscript("unknown", b.literal(0)), "r"), "; declared: ", b.name("names"),
            ),
            error_code=error_code("VALIDATION_ERROR"),
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
            error_code=error_code("VALIDATION_ERROR"),
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
            error_code=error_code("ORCHESTRATOR_SEMANTIC_INVALID_DEPENDENCY"),
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
                b.list_comp("step.step_name", "step", "steps", b.compare("step.step_name", "not in", "declared")),
            ),
            b.if_(
                "unknown",
                [
                    b.assign("names", b.call(b.attr(b.string_literal(", "), "join"), b.call("sorted", "declared"))),
                    unknown_error,
                ],
            ),
            b.assign("planned", b.list_comp("step.step_name", "step", "steps")),
            b.assign(
                "repeated",
                b.call(
                    "sorted",
                    cst.SetComp(
                        b.name("name"),
                        b.comp_for("name", "planned", b.compare(b.call("planned.count", "name"), ">", b.literal(1))),
                    ),
                ),
            ),
            b.if_("repeated", [repeated_error]),
            b.assign(
                "done",
                cst.SetComp(b.dotted("step.step_id"), b.comp_for("step", "steps", b.not_("step.enabled"))),
                b.annotation("set[UUID]"),
            ),
            b.assign("waiting", b.list_comp("step", "step", "steps", "step.enabled")),
            b.assign("stages", b.list_(), b.annotation("list[list[ModelWorkflowStep]]")),
            b.while_(
                "waiting",
                [
                    b.assign(
                        "ready",
                        b.list_comp("step", "step", "waiting", b.call("done.issuperset", "step.depends_on")),
                    ),
                    b.if_(
                        b.not_("ready"),
                        [
                            b.assign(
                                "names",
                                b.call(b.attr(b.string_literal(", "), "join"), b.list_comp("step.step_name", "step", "waiting")),
                            ),
                            stuck_error,
                        ],
                    ),
                    b.do(b.call("stages.append", "ready")),
                    b.do(b.call("done.update", b.list_comp("step.step_id", "step", "ready"))),
                    b.assign(
                        "waiting",
                        b.list_comp("step", "step", "waiting", b.compare("step.step_id", "not in", "done")),
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


def failure_class() -> cst.ClassDef:
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


def timed_out_function() -> cst.FunctionDef:
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
                            b.compare("error.error_code", "==", error_code("TIMEOUT")),
                        )
                    ),
                )
            )
        ],
        returns="bool",
        doc="Whether a step failed by running out of time: its own limit, or the timeout of its request.",
    )


def path_segments_function(context: NodeContext) -> cst.FunctionDef:
    refused = b.raise_(
        b.call(
            ONEX_ERROR.name,
            message=b.formatted_string(
                "operation ", (b.dotted("request.operation"), "r"), " needs ", b.name("name"),
                " to fill the paths of its steps; got ", (b.name("value"), "r"),
            ),
            error_code=error_code("VALIDATION_ERROR"),
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


def answer_value_function() -> cst.FunctionDef:
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


def workflow_error_function(context: NodeContext) -> cst.FunctionDef:
    cause = b.dotted("error.cause")
    step_branch = [
        b.assign("step", "error.step"),
        b.if_(
            b.call("_step_timed_out", cause),
            [
                b.assign("code", error_code("ORCHESTRATOR_EXEC_STEP_TIMEOUT")),
                b.assign("outcome", b.string_literal("timed out")),
            ],
            [
                b.assign("code", error_code("ORCHESTRATOR_EXEC_STEP_FAILED")),
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
        b.assign("code", error_code("ORCHESTRATOR_EXEC_WORKFLOW_FAILED")),
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
