"""What differs between Effect, Compute, Reducer and Orchestrator nodes.

The framework gives each node type its own ``process`` signature and its own
input/output models; this module holds those differences so that the routing
pattern stays one piece of code:

- ``process_params``: the override's parameters (the input type must stay the
  base's own, by Liskov; Reducer keeps ``projection_intents``);
- ``to_request``: how a plain framework input becomes the typed request;
- ``run``: how a handler's answer becomes the finished output (envelope
  fields, reducer state, orchestrator workflow);
- ``extras``: the state and helpers a node type needs beyond that.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.caching import node as caching
from codegen_ast.patterns.http import endpoints as http_handlers
from codegen_ast.patterns.workflow import common as workflow
from codegen_ast.patterns.workflow import runner as workflow_runner
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.target import (
    EXECUTION_GRAPH,
    FSM_SUBCONTRACT,
    YAML_MAPPING_LOADER,
    INTENT,
    REDUCER_FSM_METADATA,
    SCHEMA_VALUE,
    SEMVER,
    WORKFLOW_DEFINITION,
    WORKFLOW_DEFINITION_METADATA,
    PROJECTION_INTENT,
    SERIALIZED_DICT,
    WORKFLOW_STEP,
)

Statements = list[cst.BaseStatement]


def framework_input(context: NodeContext) -> cst.BaseExpression:
    base = context.kind.input_model
    if context.kind.generic:
        return b.subscript(base.name, SERIALIZED_DICT.name)
    return b.name(base.name)


def process_params(context: NodeContext) -> list[Param]:
    params = [Param("input_data", framework_input(context))]
    if context.kind.keeps_state:
        params.append(
            Param("projection_intents", b.annotation("tuple[ModelProjectionIntent, ...]"), b.tuple_())
        )
    return params


def kind_imports(context: NodeContext) -> set[tuple[str, str]]:
    kind = context.kind
    imports = {
        (kind.input_model.module, kind.input_model.name),
        (kind.output_model.module, kind.output_model.name),
    }
    if kind.generic:
        imports.add((SERIALIZED_DICT.module, SERIALIZED_DICT.name))
    if kind.keeps_state:
        imports.add((PROJECTION_INTENT.module, PROJECTION_INTENT.name))
    if kind.runs_workflow:
        imports |= {
            (WORKFLOW_STEP.module, WORKFLOW_STEP.name),
            SCHEMA_VALUE,
            EXECUTION_GRAPH,
            WORKFLOW_DEFINITION,
            WORKFLOW_DEFINITION_METADATA,
            SEMVER,
            ("typing", "Protocol"),
        }
    return imports


def _invalid(message: str) -> cst.BaseStatement:
    return idioms.raise_error(message, "VALIDATION_ERROR")


def to_request(context: NodeContext) -> cst.FunctionDef:
    """Accept the typed request as it is, or build it from a plain framework input."""
    kind = context.kind
    model = context.input_model
    base = kind.input_model.name
    body: Statements = [b.if_(b.call("isinstance", "input_data", model), [b.return_("input_data")])]
    if kind.performs_io:
        doc = f"Accept a {model}, or a {base} whose operation_data holds its fields."
        body += [
            b.if_(
                b.not_(b.call("isinstance", "input_data.operation_data", "dict")),
                [_invalid(f"operation_data must be a dict of {model} fields")],
            ),
            b.assign("fields", b.call("input_data.model_dump", exclude=b.set_(b.string_literal("operation_data")))),
            b.do(b.call("fields.update", "input_data.operation_data")),
        ]
    elif kind.computes:
        doc = f"Accept a {model}, or a {base} whose data holds its fields (computation_type names the operation)."
        body += [
            b.assign("fields", b.call("input_data.model_dump", exclude=b.set_(b.string_literal("data")))),
            b.assign(b.subscript("fields", b.string_literal("operation")), "input_data.computation_type"),
            b.do(b.call("fields.update", "input_data.data")),
        ]
    elif kind.keeps_state:
        doc = f"Accept a {model}, or a {base} whose data holds one dict of its fields (metadata.trigger names the operation)."
        body += [
            b.if_(
                b.compare(b.call("len", "input_data.data"), "!=", b.literal(1)),
                [_invalid(f"data must hold exactly one dict of {model} fields")],
            ),
            b.assign("fields", b.call("input_data.model_dump", exclude=b.set_(b.string_literal("data")))),
            b.assign(b.subscript("fields", b.string_literal("operation")), "input_data.metadata.trigger"),
            b.do(b.call("fields.update", b.subscript("input_data.data", b.literal(0)))),
        ]
    else:
        doc = f"Accept a {model}, or a {base} whose metadata.trigger names the operation."
        body += [
            b.assign("fields", b.call("dict", "input_data")),
            b.assign(b.subscript("fields", b.string_literal("operation")), "input_data.metadata.trigger"),
            b.if_(
                b.compare("input_data.metadata.correlation_id", "is not", "None"),
                [
                    b.assign(
                        b.subscript("fields", b.string_literal("correlation_id")),
                        "input_data.metadata.correlation_id",
                    )
                ],
            ),
        ]
    body.append(b.return_(b.call(f"{model}.model_validate", "fields")))
    return b.method("_to_request", [Param("input_data", framework_input(context))], body, returns=model, doc=doc)


def _elapsed_ms() -> cst.BaseExpression:
    return b.binop(b.parens(b.binop(b.call("time.perf_counter"), "-", "started")), "*", b.literal(1000.0))


def _declared_fields(source: str) -> cst.Call:
    return b.call(f"{source}.model_dump", mode=b.string_literal("json"), exclude="_ENVELOPE_FIELDS")


def run(context: NodeContext, published: Statements) -> Statements:
    """Statements that leave the finished output in ``result``, then publish
    its events (``published``). A reducer publishes while it still holds its
    state: the events of concurrent operations go out in the order the state
    changed, so a consumer replaying them ends where the reducer did."""
    kind = context.kind
    if "caching" in context.selection.patterns:
        answer = caching.cached_handler_call(context)
    else:
        answer = b.await_(b.call("handler", "request", *(["self._reduced"] if kind.keeps_state else [])))
    if kind.performs_io or kind.computes:
        update: dict[str, b.ExprLike] = {}
        if kind.computes:
            update["computation_type"] = b.name("operation")
        update |= {"processing_time_ms": _elapsed_ms(), "result": _declared_fields("output")}
        return [
            b.assign("output", answer),
            b.assign("result", b.call("output.model_copy", update=b.dict_(update))),
            *published,
        ]
    if kind.keeps_state:
        fsm = context.spec.state_machine is not None
        intents = b.tuple_(
            *([b.starred("fsm_intents")] if fsm else []), b.starred("output.intents"), b.starred("projections")
        )
        update = {
            "processing_time_ms": _elapsed_ms(),
            "result": _declared_fields("output"),
            "intents": intents,
        }
        if fsm:
            update["metadata"] = b.call(
                "request.metadata.model_copy", update=b.call("dict", b.call("transition.to_dict"))
            )
            update["fsm_metadata"] = b.name("transition")
            update["state"] = b.dotted("transition.fsm_state")
        transition = [
            b.assign(
                b.tuple_("transition", "fsm_intents").with_changes(lpar=[], rpar=[]),
                b.await_(b.call("self._transition", "request")),
            )
        ]
        return [
            b.assign("projections", b.call("self._build_projection_intents", "projection_intents")),
            b.with_(
                [("self._state_lock", None)],
                [
                    b.assign("output", answer),
                    *(transition if fsm else []),
                    b.assign("result", b.call("output.model_copy", update=b.dict_(update))),
                    b.assign("self._reduced", "result"),
                    *(
                        [b.with_leading_comment(published[0], "published under the lock: in the order the state changed"), *published[1:]]
                        if published
                        else []
                    ),
                ],
                is_async=True,
            ),
        ]
    workflow_fields = b.dict_comp("name", b.call("getattr", "workflow", "name"), "name", "_WORKFLOW_FIELDS")
    variables = b.dict_comp("name", b.call("ModelSchemaValue.from_value", "value"), "name, value", b.call("declared.items"))
    return [
        b.assign("steps", b.or_("request.steps", b.call("handler.plan", "request"))),
        *(
            workflow_runner.run_statements(context)  # declared steps run on the node
            if workflow.enabled(context)
            else [
                b.assign("workflow", b.await_(b.call("self._run_workflow", "request", "steps"))),
                b.assign("output", b.await_(b.call("handler.handle", "request", "workflow"))),
            ]
        ),
        b.assign("declared", _declared_fields("output")),
        b.assign(
            "result",
            b.call(
                "output.model_copy",
                update=cst.Dict(
                    [
                        cst.StarredDictElement(workflow_fields),
                        cst.DictElement(b.string_literal("output_variables"), variables),
                    ]
                ),
            ),
        ),
        *published,
    ]


def result_payload(context: NodeContext) -> cst.BaseExpression:
    """The declared output fields as plain data, for events."""
    return b.name("declared") if context.kind.runs_workflow else b.dotted("result.result")


def handler_table_type(context: NodeContext) -> cst.BaseExpression:
    """The value type of ``self._handlers``."""
    if context.kind.runs_workflow:
        return b.name(context.operation_protocol)
    arguments: list[b.ExprLike] = [context.input_model]
    if context.kind.keeps_state:
        arguments.append(b.binop(context.output_model, "|", "None"))
    return b.subscript("Callable", b.list_(*arguments), b.subscript("Awaitable", context.output_model))


def handler_entry(context: NodeContext, operation: str) -> cst.BaseExpression:
    # database handlers query through the node's postgres helpers, endpoint handlers through http_call
    takes_node = context.spec.database is not None or http_handlers.takes_node(context, operation)
    instance = b.call(context.handler_class(operation), *(["self"] if takes_node else []))
    return instance if context.kind.runs_workflow else b.attr(instance, "handle")


def _protocol(context: NodeContext) -> cst.ClassDef:
    """What an orchestrator handler provides: a plan and an answer.

    The methods carry docstrings only: a docstring is a complete body, so the
    protocol needs no ``...`` placeholders."""
    plan = b.method(
        "plan",
        [Param("request", context.input_model)],
        [],
        returns=b.subscript("list", WORKFLOW_STEP.name),
        doc="The workflow steps that carry the operation out.",
    )
    handle = b.method(
        "handle",
        [Param("request", context.input_model), Param("workflow", context.kind.output_model.name)],
        [],
        returns=context.output_model,
        is_async=True,
        doc="The operation's answer, given the outcome of its workflow run.",
    )
    return b.class_(
        context.operation_protocol,
        ["Protocol"],
        [plan, handle],
        doc="What the node needs from an operation handler.",
    )


def _workflow_constants(context: NodeContext) -> Statements:
    version = b.call("ModelSemVer", major=b.literal(1), minor=b.literal(0), patch=b.literal(0))
    definition = b.call(
        "ModelWorkflowDefinition",
        version="_VERSION",
        workflow_metadata=b.call(
            "ModelWorkflowDefinitionMetadata",
            version="_VERSION",
            workflow_name=b.string_literal(context.spec.name),
            workflow_version="_VERSION",
            description=b.string_literal(context.spec.description),
        ),
        execution_graph=b.call("ModelExecutionGraph", version="_VERSION"),
    )
    fields = (
        "execution_status", "execution_time_ms", "start_time", "end_time", "completed_steps",
        "failed_steps", "skipped_steps", "actions_emitted", "metrics", "step_outputs", "parallel_executions",
    )
    return [
        b.assign("_WORKFLOW_FIELDS", b.tuple_(*(b.string_literal(f) for f in fields))),
        b.assign("_VERSION", version),
        b.assign("DEFAULT_WORKFLOW_DEFINITION", definition),
    ]


def _run_workflow(context: NodeContext) -> cst.FunctionDef:
    return b.method(
        "_run_workflow",
        [Param("request", context.input_model), Param("steps", b.subscript("list", WORKFLOW_STEP.name))],
        [
            b.assign("definition", b.or_("self.workflow_definition", "DEFAULT_WORKFLOW_DEFINITION")),
            b.assign(
                "executed",
                b.await_(
                    b.call(
                        "self.execute_workflow_from_contract",
                        "definition",
                        "steps",
                        "request.workflow_id",
                        execution_mode="request.execution_mode",
                    )
                ),
            ),
            b.return_(b.call("self._convert_workflow_result_to_output", "executed")),
        ],
        returns=context.kind.output_model.name,
        is_async=True,
        doc="Run the steps through the framework's workflow executor (one action per step); an injected workflow_definition wins.",
    )


def extras(context: NodeContext) -> Contribution:
    """State and helpers that only one node type needs."""
    if context.kind.keeps_state and context.spec.state_machine is not None:
        machine = _state_machine_extras(context)
    else:
        machine = Contribution()
    if context.kind.keeps_state:
        return Contribution(
            imports={("asyncio", "")} | machine.imports,
            module_statements=machine.module_statements,
            init_statements=[
                b.assign("self._reduced", "None", b.binop(context.output_model, "|", "None")),
                b.assign("self._state_lock", b.call("asyncio.Lock")),
                *machine.init_statements,
            ],
            methods=[*machine.methods,
                b.method(
                    "get_reduced_state",
                    [],
                    [b.return_("self._reduced")],
                    returns=b.binop(context.output_model, "|", "None"),
                    doc="The output of the last successful operation: the state reduced so far.",
                )
            ],
        )
    if context.kind.runs_workflow:
        # the framework's executor runs the operations that declare no steps (none: no runner)
        on_node = workflow.enabled(context) and all(op.steps for op in context.spec.effective_operations)
        return Contribution(
            module_statements=[*_workflow_constants(context), _protocol(context)],
            methods=[] if on_node else [_run_workflow(context)],
        )
    return Contribution()




def _configuration_error(message: cst.BaseExpression) -> cst.BaseStatement:
    return idioms.raise_error(message, "CONFIGURATION_ERROR")


def _state_machine_extras(context: NodeContext) -> Contribution:
    """A reducer with a declared state machine runs it through the framework's
    MixinFSMExecution: each operation is a trigger; an undeclared transition is
    refused with INVALID_STATE; the transition's intents (persist_state when the
    spec says persist) travel in the output."""
    load = b.function(
        "_load_state_machine",
        [],
        [
            b.try_(
                [b.assign("text", b.call("CONTRACT_PATH.read_text", encoding=b.string_literal("utf-8")))],
                [
                    b.except_(
                        "OSError",
                        [_configuration_error(b.formatted_string("cannot read the node contract ", b.name("CONTRACT_PATH"), ": ", b.name("error")))],
                        as_name="error",
                    )
                ],
            ),
            b.assign("contract", b.call(YAML_MAPPING_LOADER.name, "text", source=b.call("str", "CONTRACT_PATH"))),
            b.assign("section", b.call("contract.get", b.string_literal("state_machine"))),
            b.if_(
                b.compare("section", "is", "None"),
                [_configuration_error(b.formatted_string("the node contract ", b.name("CONTRACT_PATH"), " declares no state_machine"))],
            ),
            b.return_(b.call("ModelFSMSubcontract.model_validate", "section")),
        ],
        returns="ModelFSMSubcontract",
        decorators=["functools.cache"],
        doc=(
            "The state machine declared in contract.yaml, read once per process as the framework's runtime reads "
            "a contract: a mapping whose state_machine section is validated (sections carried from the source "
            "contract that the strict contract model refuses do not stop the node)."
        ),
    )
    refused = idioms.raise_error(
        b.formatted_string(
            "operation ", (b.dotted("request.operation"), "r"), " is not allowed in state ",
            (b.dotted("fired.old_state"), "r"), ": ", b.dotted("fired.error"),
        ),
        "INVALID_STATE",
        correlation_id="request.correlation_id",
        operation="request.operation",
    )
    undeclared = idioms.raise_error(
        b.formatted_string(
            "operation ", (b.dotted("request.operation"), "r"), " is not allowed in state ", (b.name("state"), "r")
        ),
        "INVALID_STATE",
        correlation_id="request.correlation_id",
        operation="request.operation",
        state="state",
    )
    transition = b.method(
        "_transition",
        [Param("request", context.input_model)],
        [
            b.assign("state", b.call("self.get_current_fsm_state")),
            b.if_(b.compare(b.tuple_("state", "request.operation"), "not in", "self._allowed"), [undeclared]),
            b.assign(
                "fired",
                b.await_(
                    b.call(
                        "self.execute_fsm_transition",
                        "self._state_machine",
                        trigger="request.operation",
                        context=b.call("request.model_dump", mode=b.string_literal("json"), exclude="_REQUEST_ENVELOPE_FIELDS"),
                    )
                ),
            ),
            b.if_(b.not_("fired.success"), [refused]),
            b.assign(
                "transition",
                b.call(
                    "ModelReducerFsmMetadata",
                    fsm_state="fired.new_state",
                    fsm_previous_state="fired.old_state",
                    fsm_transition_success="True",
                    fsm_transition_name="fired.transition_name",
                ),
            ),
            b.return_(b.tuple_("transition", "fired.intents")),
        ],
        returns=b.annotation("tuple[ModelReducerFsmMetadata, tuple[ModelIntent, ...]]"),
        is_async=True,
        doc="Fire the operation as the state machine's trigger; refuse what it refuses.",
    )
    here = b.call(b.attr(b.call("Path", "__file__"), "resolve"))
    return Contribution(
        imports={
            ("functools", ""),
            ("pathlib", "Path"),
            YAML_MAPPING_LOADER,
            FSM_SUBCONTRACT,
            REDUCER_FSM_METADATA,
            INTENT,
        },
        module_statements=[
            b.assign("CONTRACT_PATH", b.binop(b.attr(here, "parent"), "/", b.string_literal("contract.yaml"))),
            b.assign(
                "_REQUEST_ENVELOPE_FIELDS",
                b.binop(b.call("set", "ModelReducerInput.model_fields"), "|", b.set_(b.string_literal("correlation_id"))),
            ),
            load,
        ],
        init_statements=[
            b.assign("self._state_machine", b.call("_load_state_machine")),
            b.assign("self.fsm_contract", "self._state_machine"),
            b.assign(
                "self._allowed",
                b.set_comp(b.tuple_("declared.from_state", "declared.trigger"), "declared", "self._state_machine.transitions"),
                b.annotation("set[tuple[str | None, str]]"),
            ),
            b.do(b.call("self.initialize_fsm_state", "self._state_machine", context=b.dict_({}))),
        ],
        methods=[transition],
    )
