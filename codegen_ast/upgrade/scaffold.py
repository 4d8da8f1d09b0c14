"""Adopting the stub ``onex new node`` writes.

The stub is a class ``Node<Name>`` with no base and one method
(``apply_effect``, ``compute``, ``reduce_state`` or ``orchestrate``) whose body
is ``raise NotImplementedError``, beside ``handlers/handler_<name>.py`` (a
``Handler<Name>`` whose ``handle`` answers with an empty output model) and
``models/model_<name>_input.py``. Adoption turns it into a node the framework
can run — and ``codegen-ast validate`` accepts:

- the class gets the convenience wrapper of its kind as base and is named
  ``Node<Name><Kind>``; the scaffold's name stays importable as an alias;
- the placeholder ``raise NotImplementedError`` (scaffold text, not user code:
  the one statement an upgrade replaces) becomes a call to the scaffold's
  handler;
- ``process`` (the framework's entry point) runs that method on the input's
  payload and answers with the framework's output model.

Everything else (health, metrics, errors, logging) comes from the ordinary
patterns, exactly as for any other node.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.core import node_kinds
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.target import (
    ERROR_CODE,
    ONEX_ERROR,
    PROJECTION_INTENT,
    SCHEMA_VALUE,
    SERIALIZED_DICT,
    TRANSACTION_STATE,
    NodeKind,
    node_kind,
)
from codegen_ast.upgrade.infer import snake_case
from codegen_ast.upgrade.nodes import NodeClass



def scaffold_stem(node: NodeClass) -> str:
    """``NodeWidgets`` -> ``widgets``: the name ``onex new node`` was given."""
    return snake_case(node.name.removeprefix("Node"))


def adopted_name(node: NodeClass) -> str:
    suffix = node_kind(node.node_type).suffix
    return node.name if node.name.endswith(suffix) else node.name + suffix


def wrapper_base(node_type: str) -> cst.BaseExpression:
    kind = node_kind(node_type)
    wrapper = kind.wrapper.name
    if kind.generic:
        return b.subscript(wrapper, SERIALIZED_DICT.name, SERIALIZED_DICT.name)
    return b.name(wrapper)


def _scaffold_result() -> cst.FunctionDef:
    return b.function(
        "_scaffold_result",
        [Param("answer", "object")],
        [
            b.if_(b.call("isinstance", "answer", "BaseModel"), [b.return_(b.call("answer.model_dump", mode=b.string_literal("json")))]),
            b.if_(
                b.call("isinstance", "answer", "dict"),
                [
                    b.return_(
                        cst.DictComp(
                            b.call("str", "key"),
                            b.name("value"),
                            cst.CompFor(
                                target=cst.Tuple([cst.Element(b.name("key")), cst.Element(b.name("value"))], lpar=[], rpar=[]),
                                iter=b.call("answer.items"),
                            ),
                        )
                    )
                ],
            ),
            b.raise_(
                b.call(
                    "ModelOnexError",
                    message=b.formatted_string(
                        "the handler must answer with a pydantic model or a dict, not ",
                        b.attr(b.call("type", "answer"), "__name__"),
                    ),
                    error_code="EnumCoreErrorCode.VALIDATION_ERROR",
                )
            ),
        ],
        returns=SERIALIZED_DICT.name,
        doc="The scaffold handler's answer as plain data.",
    )


def _elapsed_ms() -> cst.BaseExpression:
    return b.binop(b.parens(b.binop(b.call("time.perf_counter"), "-", "started")), "*", b.literal(1000.0))


def _output(kind: NodeKind) -> cst.BaseExpression:
    output = kind.output_model.name
    if kind.generic:
        return b.subscript(output, SERIALIZED_DICT.name)
    return b.name(output)


def _process(context: NodeContext, method: str) -> cst.FunctionDef:
    kind = context.kind
    payload = "input_data" if kind.payload is None else f"input_data.{kind.payload}"
    result = b.call("_scaffold_result", "answer")
    common = {"operation_id": b.dotted("input_data.operation_id"), "processing_time_ms": _elapsed_ms()}
    if kind.performs_io:
        fields = {
            "result": result,
            **common,
            "effect_type": b.dotted("input_data.effect_type"),
            "transaction_state": b.dotted(f"{TRANSACTION_STATE.name}.COMMITTED"),
        }
    elif kind.computes:
        fields = {"result": result, **common, "computation_type": b.dotted("input_data.computation_type")}
    elif kind.keeps_state:
        fields = {
            "result": result,
            **common,
            "reduction_type": b.dotted("input_data.reduction_type"),
            "items_processed": b.call("len", "input_data.data"),
        }
    else:
        variables = cst.DictComp(
            b.name("key"),
            b.call("ModelSchemaValue.from_value", "value"),
            cst.CompFor(
                target=cst.Tuple([cst.Element(b.name("key")), cst.Element(b.name("value"))], lpar=[], rpar=[]),
                iter=b.call(b.attr(result, "items")),
            ),
        )
        fields = {
            "execution_status": b.string_literal("completed"),
            "execution_time_ms": b.call("int", _elapsed_ms()),
            "start_time": b.name("started_at"),
            "end_time": b.call(b.attr(b.call("datetime.now", "UTC"), "isoformat")),
            "output_variables": variables,
        }
    body: list[cst.BaseStatement] = [b.assign("started", b.call("time.perf_counter"))]
    if kind.runs_workflow:
        body.append(b.assign("started_at", b.call(b.attr(b.call("datetime.now", "UTC"), "isoformat"))))
    body += [
        b.assign("answer", b.call(f"self.{method}", payload)),
        b.return_(b.call(_output(kind), **fields)),
    ]
    return b.method(
        "process",
        node_kinds.process_params(context),
        body,
        returns=_output(kind),
        is_async=True,
        doc=f"Run {method}() on the input and answer with the framework's output model.",
    )


def build_scaffold(
    context: NodeContext, node: NodeClass, argument: str
) -> tuple[Contribution, cst.BaseStatement, cst.BaseStatement]:
    """The adoption's contribution (``process`` and its helper), the statement
    that replaces the placeholder, and the alias that keeps the old name."""
    kind = node_kind(node.node_type)
    method = kind.scaffold_method
    stem = scaffold_stem(node)
    camel = node.name.removeprefix("Node")
    handler, request = f"Handler{camel}", f"Model{camel}Input"
    imports = {
        ("time", ""),
        ("pydantic", "BaseModel"),
        (SERIALIZED_DICT.module, SERIALIZED_DICT.name),
        (ONEX_ERROR.module, ONEX_ERROR.name),
        (ERROR_CODE.module, ERROR_CODE.name),
        (kind.wrapper.module, kind.wrapper.name),
        (kind.input_model.module, kind.input_model.name),
        (kind.output_model.module, kind.output_model.name),
        (f".handlers.handler_{stem}", handler),
        (f".models.model_{stem}_input", request),
    }
    if kind.performs_io:
        imports.add((TRANSACTION_STATE.module, TRANSACTION_STATE.name))
    if kind.keeps_state:
        imports.add((PROJECTION_INTENT.module, PROJECTION_INTENT.name))
    if kind.runs_workflow:
        imports |= {("datetime", "UTC"), ("datetime", "datetime"), SCHEMA_VALUE}
    contribution = Contribution(imports=imports, module_statements=[_scaffold_result()], methods=[_process(context, method)])
    replacement = b.return_(b.call(b.attr(b.call(handler), "handle"), b.call(f"{request}.model_validate", argument)))
    alias = b.with_leading_comment(
        b.assign(node.name, adopted_name(node)), "the name `onex new node` gave the class, kept for existing imports"
    )
    return contribution, replacement, alias
