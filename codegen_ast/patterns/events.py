"""events: the fix for the framework's ``publish_event`` defect.

In ``ModelServiceEffect`` and ``ModelServiceOrchestrator``,
``MixinNodeService._log_info(message)`` / ``_log_error(message)`` shadow
``MixinEventBus._log_info(message, pattern)`` / ``_log_error(message, pattern,
error=)``: the event is delivered, then a ``TypeError`` is raised. The node
overrides both and dispatches on whether a ``pattern`` was given.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext

# The wrappers whose MRO has the defect.
DEFECTIVE_WRAPPERS = frozenset({"ModelServiceEffect", "ModelServiceOrchestrator"})
_NODE_SERVICE = ("omnibase_core.mixins.mixin_node_service", "MixinNodeService")
_EVENT_BUS = ("omnibase_core.mixins.mixin_event_bus", "MixinEventBus")


def _log_info() -> cst.FunctionDef:
    return b.method(
        "_log_info",
        [Param("message", "str"), Param("pattern", b.annotation("str | None"), "None")],
        [
            b.if_(
                b.compare("pattern", "is", "None"),
                [b.do(b.call("MixinNodeService._log_info", "self", "message"))],
                [b.do(b.call("MixinEventBus._log_info", "self", "message", "pattern"))],
            )
        ],
        returns="None",
        doc="Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern).",
    )


def _log_error() -> cst.FunctionDef:
    return b.method(
        "_log_error",
        [
            Param("message", "str"),
            Param("pattern", b.annotation("str | None"), "None"),
            Param("error", b.annotation("BaseException | None"), "None"),
        ],
        [
            b.if_(
                b.compare("pattern", "is", "None"),
                [
                    b.if_(
                        b.compare("error", "is not", "None"),
                        [b.assign("message", b.formatted_string(b.name("message"), ": ", (b.name("error"), "r")))],
                    ),
                    b.do(b.call("MixinNodeService._log_error", "self", "message")),
                ],
                [b.do(b.call("MixinEventBus._log_error", "self", "message", "pattern", error="error"))],
            )
        ],
        returns="None",
        doc="Serve both callers: MixinNodeService (message) and MixinEventBus (message, pattern, error=).",
    )


def build_publish_event_fix(context: NodeContext) -> Contribution:
    if context.base.name not in DEFECTIVE_WRAPPERS:
        return Contribution()
    return Contribution(imports={_NODE_SERVICE, _EVENT_BUS}, methods=[_log_info(), _log_error()])
