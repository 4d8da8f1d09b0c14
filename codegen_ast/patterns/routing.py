"""routing: ``process`` turns the input into the typed request and dispatches
it to one handler per declared operation, with metrics and error mapping.

Before (``onex new node``)::

    def apply_effect(self, input_data):
        raise NotImplementedError

After::

    async def process(self, input_data: ModelEffectInput) -> ModelOrdersOutput:
        ...
        handler = self._handlers.get(request.operation)
        output = await handler(request)
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, ErrorMapping, NodeContext
from codegen_ast.patterns.errors import build_errors
from codegen_ast.patterns.metrics import _elapsed
from codegen_ast.target import EFFECT_INPUT, EFFECT_OUTPUT, ERROR_CODE, ONEX_ERROR


def _publish_completed() -> cst.BaseStatement:
    payload = b.dict_({"operation": b.name("operation"), "result": b.dotted("result.result")})
    return b.do(
        b.await_(
            b.call(
                "self._publish_domain_event",
                b.formatted_string(b.name("NODE_NAME"), ".", b.name("operation"), ".completed"),
                payload,
                "correlation_id",
            )
        )
    )


def _process(context: NodeContext, handlers: list[cst.ExceptHandler], events: bool) -> cst.FunctionDef:
    expected = ", ".join(context.operations)
    unknown = b.raise_(
        b.call(
            "ModelOnexError",
            message=b.formatted_string(
                "unknown operation ", (b.dotted("request.operation"), "r"), f"; expected one of {expected}"
            ),
            error_code="EnumCoreErrorCode.INVALID_OPERATION",
            correlation_id="correlation_id",
            operation="request.operation",
        )
    )
    body = [
        b.assign("request", b.call("self._to_request", "input_data")),
        b.assign("operation", "request.operation"),
        b.assign("correlation_id", "request.correlation_id"),
        b.assign("handler", b.call("self._handlers.get", "request.operation")),
        b.if_(b.compare("handler", "is", "None"), [unknown]),
        b.assign("output", b.await_(b.call("handler", "request"))),
        b.assign(
            "result",
            b.call(
                "output.model_copy",
                update=b.dict_(
                    {
                        "processing_time_ms": b.binop(_elapsed("started"), "*", b.literal(1000.0)),
                        "result": b.call(
                            "output.model_dump", mode=b.string_literal("json"), exclude="_ENVELOPE_FIELDS"
                        ),
                    }
                ),
            ),
        ),
        *([_publish_completed()] if events else []),
        b.assign("succeeded", "True"),
        b.return_("result"),
    ]
    return b.method(
        "process",
        [Param("input_data", EFFECT_INPUT.name)],
        [
            b.assign("started", b.call("time.perf_counter")),
            b.assign("operation", b.string_literal("unknown")),
            b.assign("correlation_id", "None", b.annotation("UUID | None")),
            b.assign("succeeded", "False"),
            b.try_(
                body,
                handlers,
                finally_=[b.do(b.await_(b.call("self._record_operation", "operation", "started", "succeeded")))],
            ),
        ],
        returns=context.output_model,
        is_async=True,
        doc="Run the requested operation through its handler; record metrics; map errors.",
    )


def _to_request(context: NodeContext) -> cst.FunctionDef:
    model = context.input_model
    return b.method(
        "_to_request",
        [Param("input_data", EFFECT_INPUT.name)],
        [
            b.if_(b.call("isinstance", "input_data", model), [b.return_("input_data")]),
            b.if_(
                b.not_(b.call("isinstance", "input_data.operation_data", "dict")),
                [
                    b.raise_(
                        b.call(
                            "ModelOnexError",
                            message=b.string_literal(f"operation_data must be a dict of {model} fields"),
                            error_code="EnumCoreErrorCode.VALIDATION_ERROR",
                        )
                    )
                ],
            ),
            b.assign(
                "fields",
                b.call("input_data.model_dump", exclude=cst.Set([cst.Element(b.string_literal("operation_data"))])),
            ),
            b.do(b.call("fields.update", "input_data.operation_data")),
            b.return_(b.call(f"{model}.model_validate", "fields")),
        ],
        returns=model,
        doc=f"Accept a {model}, or a {EFFECT_INPUT.name} whose operation_data holds its fields.",
    )


def build_routing(context: NodeContext, error_mappings: list[ErrorMapping], *, events: bool) -> Contribution:
    """``process``, the handler table and the request conversion; ``events``
    publishes a ``<name>.<operation>.completed`` event after each success."""
    handler_type = b.subscript(
        "Callable", b.list_(context.input_model), b.subscript("Awaitable", context.output_model)
    )
    handlers = b.dict_(
        {op: b.attr(b.call(context.handler_class(op)), "handle") for op in context.operations}
    )
    errors = build_errors(error_mappings)
    imports = errors.imports | {
        ("time", ""),
        ("uuid", "UUID"),
        ("collections.abc", "Awaitable"),
        ("collections.abc", "Callable"),
        (EFFECT_INPUT.module, EFFECT_INPUT.name),
        (EFFECT_OUTPUT.module, EFFECT_OUTPUT.name),
        (ONEX_ERROR.module, ONEX_ERROR.name),
        (ERROR_CODE.module, ERROR_CODE.name),
        (f".models.model_{context.spec.name}_input", context.input_model),
        (f".models.model_{context.spec.name}_output", context.output_model),
    }
    imports |= {(f".handlers.handler_{op}", context.handler_class(op)) for op in context.operations}
    constants = [
        b.assign(
            "SUPPORTED_OPERATIONS",
            b.tuple_(*(b.string_literal(op) for op in context.operations)),
            b.annotation("tuple[str, ...]"),
        ),
        b.assign(
            "_ENVELOPE_FIELDS",
            b.binop(
                b.call("set", f"{EFFECT_OUTPUT.name}.model_fields"),
                "|",
                cst.Set([cst.Element(b.string_literal("correlation_id"))]),
            ),
        ),
        b.assign(f"{context.spec.camel}Handler", handler_type),
    ]
    return Contribution(
        imports=imports,
        module_statements=constants,
        init_statements=[
            b.assign(
                "self._handlers",
                handlers,
                b.subscript("dict", "str", f"{context.spec.camel}Handler"),
            )
        ],
        methods=[_process(context, errors.except_handlers, events), _to_request(context), *errors.methods],
    )
