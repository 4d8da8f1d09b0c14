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

What differs by node type (signature, request conversion, how the output is
finished) lives in :mod:`codegen_ast.patterns.core.node_kinds`.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.patterns.core import node_kinds
from codegen_ast.patterns.events import declared as declared_events
from codegen_ast.patterns.contribution import Contribution, ErrorMapping, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName, always
from codegen_ast.patterns.core.errors import build_errors
from codegen_ast.target import ERROR_CODE, ONEX_ERROR
from codegen_ast.declarative.kinds import build_contract_reducer


def _publish_completed(context: NodeContext) -> cst.BaseStatement:
    payload = b.dict_({"operation": b.name("operation"), "result": node_kinds.result_payload(context)})
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
    expected = ", ".join(context.spec.routed(op) for op in context.operations)
    unknown = idioms.raise_error(
        b.formatted_string("unknown operation ", (b.dotted("request.operation"), "r"), f"; expected one of {expected}"),
        "INVALID_OPERATION",
        correlation_id="correlation_id",
        operation="request.operation",
    )
    body = [
        b.assign("request", b.call("self._to_request", "input_data")),
        b.assign("operation", "request.operation"),
        b.assign("correlation_id", "request.correlation_id"),
        b.assign("handler", b.call("self._handlers.get", "request.operation")),
        b.if_(b.compare("handler", "is", "None"), [unknown]),
        # declared events (and a state machine's transition event) replace the default completed event
        *node_kinds.run(context, (declared_events.after_success(context) or [_publish_completed(context)]) if events else []),
        b.assign("succeeded", "True"),
        b.return_("result"),
    ]
    return b.method(
        "process",
        node_kinds.process_params(context),
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


def build_routing(context: NodeContext, error_mappings: list[ErrorMapping], *, events: bool) -> Contribution:
    """``process``, the handler table and the request conversion; ``events``
    publishes a ``<name>.<operation>.completed`` event after each success."""
    spec = context.spec
    handler_type = f"{spec.camel}Handler"
    errors = build_errors(error_mappings)
    imports = errors.imports | node_kinds.kind_imports(context) | {
        ("time", ""),
        ("uuid", "UUID"),
        (ONEX_ERROR.module, ONEX_ERROR.name),
        (ERROR_CODE.module, ERROR_CODE.name),
        (f".models.{spec.input_model_file}", context.input_model),
        (f".models.{spec.output_model_file}", context.output_model),
    }
    kind = context.kind
    if not kind.runs_workflow:
        imports |= {("collections.abc", "Awaitable"), ("collections.abc", "Callable")}
    imports |= {(f".handlers.{context.spec.handler_file(op)}", context.handler_class(op)) for op in context.operations}
    output_base = kind.output_model.name
    constants: list[cst.BaseStatement] = [
        b.assign(
            "SUPPORTED_OPERATIONS",
            b.tuple_(*(b.string_literal(context.spec.routed(op)) for op in context.operations)),
            b.annotation("tuple[str, ...]"),
        ),
        b.assign(
            "_ENVELOPE_FIELDS",
            b.binop(b.call("set", f"{output_base}.model_fields"), "|", b.set_(b.string_literal("correlation_id"))),
        ),
    ]
    if not kind.runs_workflow:
        constants.append(b.assign(handler_type, node_kinds.handler_table_type(context)))
    table_type = node_kinds.handler_table_type(context) if kind.runs_workflow else b.name(handler_type)
    handlers = b.dict_({context.spec.routed(op): node_kinds.handler_entry(context, op) for op in context.operations})
    extras = node_kinds.extras(context)
    return Contribution(
        imports=imports | extras.imports,
        module_statements=[*constants, *extras.module_statements],
        init_statements=[
            b.assign("self._handlers", handlers, b.subscript("dict", "str", table_type)),
            *extras.init_statements,
        ],
        methods=[
            _process(context, errors.except_handlers, events),
            node_kinds.to_request(context),
            *extras.methods,
        ],
    )


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_routing(context, earlier.error_mappings, events=PatternName.EVENTS in context.selection.patterns)


PATTERN = Pattern(
    name=PatternName.ROUTING,
    summary=(
        "process turns the input into the typed request and dispatches it to one handler per declared "
        "operation, with metrics and error mapping."
    ),
    applies=always("always: one typed handler per operation"),
    build=_build,
    example=Example(
        before="def apply_effect(self, input_data):\n    raise NotImplementedError",
        after="handler = self._handlers.get(request.operation)\noutput = await handler(request)",
    ),
    tests=("tests/test_generated_package.py",),
    declarative=build_contract_reducer,
)
