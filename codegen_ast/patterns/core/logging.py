"""logging: one structured log helper, through the framework's emit_log_event_sync.

Every log line carries the node id, the node name and, where known, the
correlation id, plus keyword context::

    self._emit_log(EnumLogLevel.WARNING, "stopping redis failed", integration="redis")
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName, always
from codegen_ast.target import LOG_EVENT, LOG_LEVEL


def build_logging(context: NodeContext) -> Contribution:
    record = cst.Dict(
        [
            cst.DictElement(b.string_literal("node_id"), b.call("str", "self.node_id")),
            cst.DictElement(b.string_literal("node"), b.name("NODE_NAME")),
            cst.DictElement(
                b.string_literal("correlation_id"),
                b.if_exp(b.compare("correlation_id", "is", "None"), "None", b.call("str", "correlation_id")),
            ),
            cst.StarredDictElement(b.name("context")),
        ]
    )
    emit_log = b.method(
        "_emit_log",
        [
            Param("level", LOG_LEVEL.name),
            Param("message", "str"),
            Param("correlation_id", b.annotation("UUID | None"), "None"),
            Param("**context", "object"),
        ],
        [b.do(b.call("emit_log_event_sync", "level", "message", record))],
        returns="None",
        doc="One structured log line with the node id and correlation id.",
    )
    return Contribution(
        imports={(LOG_EVENT.module, LOG_EVENT.name), (LOG_LEVEL.module, LOG_LEVEL.name), ("uuid", "UUID")},
        module_statements=[b.assign("NODE_NAME", b.string_literal(context.spec.name))],
        methods=[emit_log],
    )


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_logging(context)


PATTERN = Pattern(
    name=PatternName.LOGGING,
    summary="one structured log helper, through the framework's emit_log_event_sync.",
    applies=always("always: structured logs with node id and correlation id"),
    build=_build,
    example=Example(
        before='print("stopping redis failed")',
        after='self._emit_log(EnumLogLevel.WARNING, "stopping redis failed", integration="redis")',
    ),
    tests=("tests/test_generated_package.py", "tests/upgrade/test_upgrade_rules.py"),
    upgradable=True,
)
