"""Reducers and orchestrators in the declarative shape.

A reducer with a ``state_machine`` gets one ``TransitionHandler`` per trigger: the
contract's machine (``onex_support.fsm.StateMachine``, one state per entity, in
PostgreSQL when the node has a pool, else in memory) takes the transition, the
handler's ``reduce`` builds the answer, the transition event follows. An
orchestrator's operations that declare steps get a ``SagaHandler`` each: its
``stages`` are the declared steps only, each with its compensation (or the reason
there is none), and a failed compensation is published as ``compensation_failed``.
A reducer with no state machine folds each request into its previous answer
(``FoldHandler``, the answer reduced so far kept by ``FoldResources``).
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.declarative.models import framework_model
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.patterns.contribution import Contribution, NodeContext, ResourceDecl, RunBody
from codegen_ast.patterns.events.names import transition_event_type
from codegen_ast.patterns.record import Earlier
from codegen_ast.spec import HttpCallSpec, NodeSpec, StepActionSpec, StepSpec
from codegen_ast.target import node_kind

SUPPORT = "onex_support"
COMPENSATION_FAILED = "compensation_failed"


def transition_event(spec: NodeSpec) -> str | None:
    """The event a reducer publishes per transition: our spec's state machine has one;
    a contract's has none (it declares none, and nothing is invented)."""
    return transition_event_type(spec) if spec.state_machine is not None and spec.declared is None else None


def kind_events(spec: NodeSpec) -> list[str]:
    """The events the node kind itself publishes: a reducer's transition event, a
    saga's compensation_failed record."""
    if spec.state_machine is not None:
        event = transition_event(spec)
        return [event] if event is not None else []
    if spec.workflow_operations:
        return [f"{spec.name}.{COMPENSATION_FAILED}"]
    return []


def registry_base(spec: NodeSpec) -> tuple[tuple[str, str], tuple[str, ...]]:
    """The resources class's base and the attributes it takes before the managed
    resources: ``ReducerResources(node, state_machine, ...)``,
    ``SagaResources(node, http, ...)``, a folding reducer's ``FoldResources(node,
    ...)``, else ``NodeResources(node, ...)``."""
    if spec.state_machine is not None:
        return (f"{SUPPORT}.fsm", "ReducerResources"), ("state_machine",)
    if folds(spec):
        return (f"{SUPPORT}.fold", "FoldResources"), ()
    if spec.workflow_operations:
        return (f"{SUPPORT}.saga", "SagaResources"), ("http",)
    return (f"{SUPPORT}.resources", "NodeResources"), ()


# --- reducer ---------------------------------------------------------------


def folds(spec: NodeSpec) -> bool:
    """A reducer with no state machine: each answer folds into the state kept so far."""
    return node_kind(spec.node_type).keeps_state and spec.state_machine is None


def fold_run(body: RunBody, names: DeclarativeNames) -> RunBody:
    """``body`` (the declared formulas, which read ``state``) as a FoldHandler's ``fold``."""
    return RunBody(body.statements, body.imports, body.doc, base="FoldHandler", method="fold",
                   members=(b.assign("answer_type", names.answer_model),))


def _state_machine(context: NodeContext, earlier: Earlier) -> ResourceDecl:
    persisted = any(r.attribute == "postgres" for c in earlier.contributions for r in c.resources)
    store: list[b.ExprLike] = [b.call("PostgresStateStore", "self.postgres")] if persisted else []
    here = b.attr(b.attr(b.call(b.attr(b.call("Path", "__file__"), "resolve")), "parent"), "parent")
    contract = b.binop(here, "/", b.string_literal("contract.yaml"))
    imports = {("pathlib", "Path"), (f"{SUPPORT}.fsm", "StateMachine")}
    if persisted:
        imports.add((f"{SUPPORT}.fsm", "PostgresStateStore"))
    return ResourceDecl("state_machine", "StateMachine", b.call("StateMachine", contract, *store),
                        frozenset(imports), managed=False)


def entity_key(spec: NodeSpec) -> str | None:
    """The request field naming the entity whose state a transition changes: the
    first input field called ``*_id`` (a basket id); None (one state for the whole
    node) when there is none."""
    return next((field.name for field in spec.input_fields if field.name.endswith("_id")), None)


def _reduce(context: NodeContext, names: DeclarativeNames, operation: str) -> RunBody:
    spec = context.spec
    answers: dict[str, b.ExprLike] = {
        "operation": "request.operation",
        "correlation_id": "request.correlation_id",
        "state": "transition.to_state",
        "previous_state": "transition.from_state",
    }
    inputs = {field.name for field in spec.input_fields}
    for field in spec.output_fields:
        if field.name in inputs:
            answers[field.name] = f"request.{field.name}"
    if framework_model(spec, "output") is not None:  # ModelReducerOutput: the actions as the framework's intents
        answers["intents"] = "transition.intents"
        if framework_model(spec, "input") is not None:
            answers["operation_id"] = "request.operation_id"
    event = transition_event(spec)
    members = [
        b.assign("transition_event", names.event_constant(event) if event is not None else "None"),
        b.assign("entity_key", b.string_literal(key) if (key := entity_key(spec)) else "None"),
    ]
    trigger = spec.trigger(operation)
    if trigger is not None and trigger != spec.routed(operation):
        members.append(b.assign("trigger", b.string_literal(trigger)))
    imports = {(f"{SUPPORT}.fsm", "Transition")}
    if trigger is None:  # fires no trigger: the entity's state, read
        return RunBody((b.return_(b.call(names.answer_model, **answers)),), frozenset(imports),
                       doc="The answer: the entity's state (this operation fires no trigger), the declared fields.",
                       base="StateHandler", method="reduce", members=tuple(members))
    if event is not None:
        imports.add((f"..registry.{names.registry_module}", names.event_constant(event)))
    return RunBody(
        (b.return_(b.call(names.answer_model, **answers)),),
        frozenset(imports),
        doc="The answer: the state reached, the one left, the declared fields.",
        base="TransitionHandler",
        method="reduce",
        members=tuple(members),
    )


def build_reducer(context: NodeContext, earlier: Earlier) -> Contribution:
    """One TransitionHandler per operation that fires a trigger (a StateHandler, which
    answers the entity's state, for one that fires none), and the state machine among
    the resources."""
    spec = context.spec
    if spec.state_machine is None:
        return Contribution()
    names = DeclarativeNames.of(spec)
    return Contribution(
        runs={operation: _reduce(context, names, operation) for operation in context.operations},
        resources=[_state_machine(context, earlier)],
    )


def build_contract_reducer(context: NodeContext, earlier: Earlier) -> Contribution:
    """A contract's state machine, which publishes no transition event (so the
    transition_events pattern, which builds ours, does not apply): the same handlers."""
    if "transition_events" in context.selection.patterns:
        return Contribution()
    return build_reducer(context, earlier)


# --- orchestrator ----------------------------------------------------------


def call_deadline_s(call: HttpCallSpec, step_timeout_s: float) -> float:
    """The whole call's deadline (every send and backoff wait: HttpApi.call's
    ``timeout_s``): the call's own when declared, else the step's limit (so the
    retries share the step's time, not a third of it)."""
    if "timeout_s" in call.model_fields_set:
        return float(call.timeout_s)
    return float(min(call.timeout_s, step_timeout_s))


def _action(action: StepActionSpec, step_timeout_s: float, names: DeclarativeNames) -> cst.Call:
    if action.call is not None:
        return b.call(
            "StepAction",
            method=b.string_literal(action.call.method),
            route=b.string_literal(action.call.path),
            timeout_s=b.literal(call_deadline_s(action.call, step_timeout_s)),
            attempts=b.literal(action.call.attempts),
        )
    assert action.publish is not None
    return b.call("StepAction", event=names.event_constant(action.publish))


def _step(step: StepSpec, names: DeclarativeNames) -> cst.Call:
    compensation: b.ExprLike
    if step.compensate is not None:
        compensation = _action(step.compensate, step.timeout_s, names)
    else:
        compensation = b.call("NoCompensation", b.string_literal(f"{step.name} declares no compensation"))
    return b.call("SagaStep", b.string_literal(step.name), b.literal(float(step.timeout_s)),
                  _action(step, step.timeout_s, names), compensation)


def step_events(spec: NodeSpec, only: str | None = None) -> list[str]:
    """Every event a declared step or compensation publishes (of one operation)."""
    found: list[str] = []
    for operation in spec.workflow_operations:
        if only is not None and operation.name != only:
            continue
        for stage in operation.stages:
            for step in stage:
                for action in (step, step.compensate):
                    if action is not None and action.publish is not None:
                        found.append(action.publish)
    return list(dict.fromkeys(found))


def build_orchestrator(context: NodeContext, earlier: Earlier) -> Contribution:
    """One SagaHandler per operation that declares steps."""
    spec = context.spec
    names = DeclarativeNames.of(spec)
    runs: dict[str, RunBody] = {}
    for operation in spec.workflow_operations:
        used = [f"{spec.name}.{COMPENSATION_FAILED}", *step_events(spec, operation.name)]
        registry = {(f"..registry.{names.registry_module}", names.event_constant(event)) for event in used}
        stages = cst.Tuple([
            cst.Element(cst.Tuple([cst.Element(_step(step, names)) for step in stage]))
            for stage in operation.stages
        ])
        runs[operation.name] = RunBody(
            (),
            frozenset({(f"{SUPPORT}.saga", "SagaStep"), (f"{SUPPORT}.saga", "StepAction"),
                       (f"{SUPPORT}.saga", "NoCompensation"), *registry}),
            base="SagaHandler",
            members=(
                b.assign("stages", stages),
                b.assign("answer_type", names.answer_model),
                b.assign("compensation_failed", names.event_constant(f"{spec.name}.{COMPENSATION_FAILED}")),
            ),
        )
    return Contribution(runs=runs)
