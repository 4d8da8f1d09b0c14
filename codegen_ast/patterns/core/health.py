"""health: checks that really look at the node, returned by get_health_checks.

Before::

    def get_health_checks(self):
        return [("self", self._check_self_health)]  # TODO: add checks

After: ``get_health_checks()`` returns bound check methods (the type
``MixinHealthCheck`` declares); ``_check_self_health`` reports UNHEALTHY when
an operation has no handler or the lifecycle has failed or been cleaned up.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.decisions import Selection
from codegen_ast.spec import NodeSpec
from codegen_ast.target import HEALTH_ISSUE, HEALTH_STATUS, LIFECYCLE_STATUS

_BAD_STATES = ("FAILED", "CLEANED_UP", "CLEANUP_FAILED")


def _issue(message: cst.BaseExpression) -> b.ExprLike:
    return idioms.health_issue(message, "critical", "resource")


def _check_self_health(routed: bool) -> cst.FunctionDef:
    missing = b.list_comp("operation", "operation", "SUPPORTED_OPERATIONS", b.compare("operation", "not in", "self._handlers"))
    handler_check = [
        b.assign("missing", missing),
        b.if_(
            "missing",
            [
                b.assign("names", b.call(b.attr(b.string_literal(", "), "join"), "missing")),
                b.do(
                    b.call(
                        "issues.append",
                        _issue(b.formatted_string("no handler registered for: ", b.name("names"))),
                    )
                ),
            ],
        ),
    ]
    return b.method(
        "_check_self_health",
        [],
        [
            b.assign("issues", b.list_(), b.annotation("list[ModelHealthIssue]")),
            *(handler_check if routed else []),
            b.assign(
                "lifecycle",
                b.call("self.state.get", b.string_literal("status"), b.string_literal("")),
            ),
            b.if_(
                b.compare("lifecycle", "in", "_UNHEALTHY_STATES"),
                [
                    b.do(
                        b.call(
                            "issues.append",
                            _issue(b.formatted_string("node lifecycle status is ", b.name("lifecycle"))),
                        )
                    )
                ],
            ),
            b.if_(
                "issues",
                [
                    b.return_(
                        b.call(
                            "ModelHealthStatus.create_unhealthy",
                            score=b.literal(0.0),
                            issues="issues",
                        )
                    )
                ],
            ),
            b.return_(b.call("ModelHealthStatus.create_healthy", score=b.literal(1.0))),
        ],
        returns="ModelHealthStatus",
        doc="Healthy while every operation has a handler and the lifecycle is sound."
        if routed
        else "Healthy while the node's lifecycle is sound.",
    )


def _framework_checks() -> cst.BaseExpression:
    """The return type MixinHealthCheck declares for get_health_checks."""
    return b.annotation("list[Callable[[], ModelHealthStatus | asyncio.Future[ModelHealthStatus]]]")


def _get_health_checks(dependency_checks: list[str]) -> cst.FunctionDef:
    if not dependency_checks:
        body: list[cst.BaseStatement] = [b.return_(b.list_("self._check_self_health"))]
    else:
        body = [
            b.assign(
                "checks",
                b.list_("self._check_self_health"),
                b.annotation("list[Callable[[], ModelHealthStatus | Awaitable[ModelHealthStatus]]]"),
            ),
            b.if_(
                b.not_("self._health_check_mode"),
                [b.augment("checks", "+=", b.list_(*(f"self.{check}" for check in dependency_checks)))],
            ),
            b.with_leading_comment(
                b.return_(b.call("cast", _framework_checks(), "checks")),
                "MixinHealthCheck awaits coroutine checks, though its annotation names Future",
            ),
        ]
    return b.method(
        "get_health_checks",
        [],
        body,
        returns=_framework_checks(),
        doc="The checks MixinHealthCheck runs: self, then every dependency (not in health check mode).",
    )


def build_health(context: NodeContext, dependency_checks: list[str], *, routed: bool = True) -> Contribution:
    """``routed=False`` (a hand-written node being upgraded: no handler table)
    leaves the handler check out of ``_check_self_health``."""
    unhealthy_states = b.call(
        "frozenset",
        cst.Set(
            [
                cst.Element(b.attr(b.attr("EnumNodeLifecycleStatus", state), "value"))
                for state in _BAD_STATES
            ]
        ),
    )
    get_health_checks = _get_health_checks(dependency_checks)
    typing_imports = {("collections.abc", "Awaitable"), ("typing", "cast")} if dependency_checks else set()
    contribution = Contribution(
        imports={
            ("asyncio", ""),
            ("collections.abc", "Callable"),
            LIFECYCLE_STATUS,
            HEALTH_ISSUE,
        }
        | typing_imports,
        module_statements=[b.assign("_UNHEALTHY_STATES", unhealthy_states)],
        methods=[get_health_checks, _check_self_health(routed)],
        health_checks=["_check_self_health", *dependency_checks],
    )
    return contribution.need(HEALTH_STATUS)


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    consul = ", consul" if PatternName.CONSUL in selection.patterns else ""
    return f"always: self check{''.join(', ' + name for name in selection.integrations)}{consul}"


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_health(context, earlier.health_checks)


PATTERN = Pattern(
    name=PatternName.HEALTH,
    summary="checks that really look at the node, returned by get_health_checks.",
    applies=_applies,
    build=_build,
    example=Example(
        before="def get_health_checks(self):\n    return []  # add checks",
        after="def get_health_checks(self):\n    return [self._check_self_health, self._check_postgres_health]",
    ),
    tests=("tests/test_generated_package.py", "tests/upgrade/test_upgrade_property.py"),
    upgradable=True,
)
