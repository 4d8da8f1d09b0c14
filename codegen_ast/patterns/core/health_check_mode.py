"""health_check_mode: a node started only to answer health probes skips the
expensive start-up of its integrations and answers with its self check.

Enabled by the container's config (``container.config.from_dict({"health_check_mode":
True})``) or, when the config does not say, by ``ONEX_HEALTH_CHECK_MODE=1``.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName, always
from codegen_ast.target import CONTAINER


def _detect() -> cst.FunctionDef:
    return b.function(
        "_detect_health_check_mode",
        [Param("container", CONTAINER.name)],
        [
            b.assign("configured", b.call("container.config.get", b.string_literal("health_check_mode"))),
            b.if_(b.compare("configured", "is not", "None"), [b.return_(b.call("bool", "configured"))]),
            b.assign(
                "flag",
                b.call(
                    b.attr(b.call(b.attr(idioms.setting("HEALTH_CHECK_MODE", ""), "strip")), "lower")
                ),
            ),
            b.return_(b.compare("flag", "in", "TRUE_VALUES")),
        ],
        returns="bool",
        doc="The container's config decides; otherwise the environment variable.",
    )


def build_health_check_mode(context: NodeContext) -> Contribution:
    return Contribution(
        imports={("os", "")},
        module_statements=[
            b.assign("HEALTH_CHECK_MODE_ENV", b.string_literal("ONEX_HEALTH_CHECK_MODE")),
            b.assign("HEALTH_CHECK_TIMEOUT_ENV", b.string_literal("HEALTH_CHECK_TIMEOUT_S")),
            b.assign(
                "TRUE_VALUES",
                b.call("frozenset", b.set_(*(b.string_literal(v) for v in ("1", "true", "yes", "on")))),
            ),
            _detect(),
        ],
        init_statements=[
            b.assign("self._health_check_mode", b.call("_detect_health_check_mode", "container")),
            b.assign(
                "self._health_timeout_s",
                b.call("float", idioms.setting("HEALTH_CHECK_TIMEOUT", "5")),
            ),
        ],
    )


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_health_check_mode(context)


PATTERN = Pattern(
    name=PatternName.HEALTH_CHECK_MODE,
    summary=(
        "a node started only to answer health probes skips the expensive start-up of its "
        "integrations and answers with its self check."
    ),
    applies=always("always: probes can start the node without its integrations"),
    build=_build,
    example=Example(
        before="def __init__(self, container): super().__init__(container)",
        after="self._health_check_mode = _detect_health_check_mode(container)",
    ),
    tests=("tests/test_live_services.py", "tests/upgrade/test_upgrade_rules.py"),
    upgradable=True,
)
