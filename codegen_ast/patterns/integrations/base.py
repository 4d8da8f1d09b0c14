"""What every integration (postgres, http, kafka, redis) contributes, built
from one small description so the four stay alike.

Each integration gives the node:
- ``self._<name>: <client> | None``, set in ``__init__`` (no I/O there);
- ``_start_<name>`` (create the client from the environment, only if none was
  injected) and ``_stop_<name>`` (close it, safe to call twice);
- ``_check_<name>_health``: DEGRADED while the client is not initialised,
  UNHEALTHY with the error when the probe fails, bounded by a timeout;
- typed helper methods that count their calls in the node's metrics;
- the ``except`` clauses that map its exceptions to specific error codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.decisions import Selection
from codegen_ast.patterns import idioms
from codegen_ast.patterns.contribution import Contribution, ErrorMapping, LifecycleStep, NodeContext
from codegen_ast.patterns.idioms import Setting, setting_constants
from codegen_ast.patterns.record import Build, Earlier, Example, Pattern, PatternName
from codegen_ast.spec import NodeSpec

Statements = list[cst.BaseStatement]


@dataclass(frozen=True)
class Integration:
    name: str
    client_annotation: str  # dotted class name, e.g. "asyncpg.Pool"
    imports: frozenset[tuple[str, str]]
    settings: tuple[Setting, ...]
    create: Callable[[], Statements]  # assigns the new client to `client`
    close: Callable[[], Statements]  # closes `client`
    probe: Callable[[], Statements]  # raises when `client` is unusable
    failure_code: str
    counter: str  # metric counted by the helpers, e.g. "queries"
    helpers: Callable[[NodeContext], list[cst.FunctionDef]] = lambda context: []
    errors: tuple[ErrorMapping, ...] = field(default_factory=tuple)
    state: Callable[[], Statements] = lambda: []  # more __init__ statements
    module_statements: Callable[[], Statements] = lambda: []  # constants and functions beside the settings
    more_counters: tuple[str, ...] = ()  # further metrics the helpers count

    @property
    def attribute(self) -> str:
        return f"self._{self.name}"


def ready_client(integration: Integration) -> Statements:
    """Start of every helper: ``client = self._x``, a typed error when it was
    never started, and one count of the integration's counter."""
    return [
        b.assign("client", integration.attribute),
        b.if_(
            b.compare("client", "is", "None"),
            [idioms.raise_error(f"{integration.name} is not initialised: await node.initialize() first", integration.failure_code)],
        ),
        idioms.count(f"METRIC_{integration.counter.upper()}"),
    ]


def _check(integration: Integration) -> cst.FunctionDef:
    name = integration.name
    not_ready = b.call(
        "ModelHealthStatus.create_degraded",
        issues=b.list_(
            idioms.health_issue(f"{name} client is not initialised (node not started)", "medium")
        ),
    )
    failed = b.call(
        "ModelHealthStatus.create_unhealthy",
        score=b.literal(0.0),
        issues=b.list_(
            idioms.health_issue(
                b.formatted_string(
                    f"{name} health check failed: ",
                    b.attr(b.call("type", "error"), "__name__"),
                    ": ",
                    b.name("error"),
                ),
                "critical",
            )
        ),
    )
    return b.method(
        f"_check_{name}_health",
        [],
        [
            b.assign("client", integration.attribute),
            b.if_(b.compare("client", "is", "None"), [b.return_(not_ready)]),
            b.try_(
                [
                    b.with_(
                        [(b.call("asyncio.timeout", "self._health_timeout_s"), None)],
                        integration.probe(),
                        is_async=True,
                    )
                ],
                [b.except_("Exception", [b.return_(failed)], as_name="error")],
            ),
            b.return_(b.call("ModelHealthStatus.create_healthy", score=b.literal(1.0))),
        ],
        returns="ModelHealthStatus",
        is_async=True,
        doc=f"Probe {name}: DEGRADED before start, UNHEALTHY when the probe fails or times out.",
    )


def build_integration(context: NodeContext, integration: Integration) -> Contribution:
    name = integration.name
    start = b.method(
        f"_start_{name}",
        [],
        [
            b.if_(
                b.compare(integration.attribute, "is", "None"),
                [*integration.create(), b.assign(integration.attribute, "client")],
            )
        ],
        returns="None",
        is_async=True,
        doc=f"Create the {name} client from the environment unless one was injected.",
    )
    stop = b.method(
        f"_stop_{name}",
        [],
        [
            b.assign("client", integration.attribute),
            b.if_(
                b.compare("client", "is not", "None"),
                [b.assign(integration.attribute, "None"), *integration.close()],
            ),
        ],
        returns="None",
        is_async=True,
        doc=f"Close the {name} client; a second call does nothing.",
    )
    return Contribution(
        imports=set(integration.imports) | {("os", "")},
        module_statements=[*setting_constants(integration.settings), *integration.module_statements()],
        init_statements=[
            b.assign(
                integration.attribute,
                "None",
                b.binop(b.dotted(integration.client_annotation), "|", "None"),
            ),
            *integration.state(),
        ],
        methods=[start, stop, _check(integration), *integration.helpers(context)],
        health_checks=[f"_check_{name}_health"],
        lifecycle=[LifecycleStep(name, f"_start_{name}", f"_stop_{name}", integration.failure_code)],
        error_mappings=list(integration.errors),
        counters=[integration.counter, *integration.more_counters],
    )


def helper(
    name: str,
    params: list[Param],
    body: Statements,
    returns: b.ExprLike,
    doc: str,
) -> cst.FunctionDef:
    return b.method(name, params, body, returns=returns, is_async=True, doc=doc)


def integration_pattern(
    integration: Integration, summary: str, example: Example, tests: tuple[str, ...], declarative: Build | None = None
) -> Pattern:
    """The registry's record of an integration: it applies when the selector
    detected the integration (its decision is logged as an integration)."""

    def applies(spec: NodeSpec, selection: Selection) -> str | None:
        return "detected integration" if integration.name in selection.integrations else None

    def build(context: NodeContext, earlier: Earlier) -> Contribution:
        return build_integration(context, integration)

    return Pattern(
        name=PatternName(integration.name),
        summary=summary,
        applies=applies,
        build=build,
        example=example,
        tests=tests,
        upgradable=True,
        declarative=declarative,
    )
