"""Module-level helpers of the runner in node.py: stages from dependencies, the step failure, timeouts, paths, answers, errors."""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders import support
from codegen_ast.builders.support import SupportModule
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.integrations.http import UNSAFE_PATH_VALUES
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.target import ONEX_ERROR
from codegen_ast.patterns.workflow.common import FAILURE, error_code








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


def stages_function() -> cst.FunctionDef:
    return support.function(SupportModule.SAGA, "_workflow_stages")


def failure_class() -> cst.ClassDef:
    return support.class_(SupportModule.SAGA, FAILURE)


def timed_out_function() -> cst.FunctionDef:
    return support.function(SupportModule.SAGA, "_step_timed_out")


def answer_value_function() -> cst.FunctionDef:
    return support.function(SupportModule.SAGA, "_step_answer_value")
