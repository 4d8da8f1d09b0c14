"""The declared steps in words, for docstrings and contracts."""

from __future__ import annotations

from codegen_ast.spec import HttpCallSpec, OperationSpec, StepActionSpec, StepSpec


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
