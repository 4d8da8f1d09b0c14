"""lifecycle: ``initialize`` starts every integration in order, ``cleanup``
stops them in reverse; both are safe to call twice, and cleanup releases every
resource even when one step fails. With service mode, ``start_service_mode``
initializes first and ``stop_service_mode`` cleans up after.

Before (seed)::

    async def startup(self): ...   # connects Kafka, hopes for the best

After::

    async def initialize(self) -> None:
        if self._started:
            return
        await super().initialize()
        try:
            await self._start_postgres()
        except Exception as error:
            await self._stop_integrations()
            raise ModelOnexError(..., error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR) from error
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.patterns.contribution import Contribution, LifecycleStep, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.decisions import Selection
from codegen_ast.spec import NodeSpec
from codegen_ast.target import ERROR_CODE, LOG_LEVEL, ONEX_ERROR


def _start(step: LifecycleStep) -> cst.BaseStatement:
    failure = idioms.framework_error(
        b.formatted_string(f"could not start {step.name}: ", b.name("error")),
        step.failure_code,
        integration=b.string_literal(step.name),
    )
    return b.try_(
        [b.do(b.await_(b.call(f"self.{step.start}")))],
        [
            b.except_(
                "Exception",
                [b.do(b.await_(b.call("self._stop_integrations"))), b.raise_(failure, cause="error")],
                as_name="error",
            )
        ],
    )


def _stop_all(steps: list[LifecycleStep]) -> cst.FunctionDef:
    if not steps:  # consul alone: a loop over `()` would leave mypy no type for its targets
        return b.method(
            "_stop_integrations",
            [],
            [],
            returns="None",
            is_async=True,
            doc="Nothing to stop: the node has no client integrations.",
        )
    stops = b.tuple_(*(b.tuple_(b.string_literal(s.name), f"self.{s.stop}") for s in reversed(steps)))
    return b.method(
        "_stop_integrations",
        [],
        [
            b.for_(
                "name, stop",
                stops,
                [
                    b.try_(
                        [b.do(b.await_(b.call("stop")))],
                        [
                            b.except_(
                                "Exception",
                                [
                                    idioms.log(
                                        "WARNING",
                                        b.formatted_string("stopping ", b.name("name"), " failed: ", b.name("error")),
                                        integration="name",
                                    )
                                ],
                                as_name="error",
                            )
                        ],
                    ),
                ],
            )
        ],
        returns="None",
        is_async=True,
        doc="Stop every integration in reverse start order; one failure does not stop the rest.",
    )


def build_lifecycle(
    context: NodeContext, steps: list[LifecycleStep], *, consul: bool, service_mode: bool
) -> Contribution:
    if not steps and not consul:
        return Contribution()
    started_log = idioms.log("INFO", "node started", integrations=b.string_literal(",".join(s.name for s in steps)))
    initialize = b.method(
        "initialize",
        [],
        [
            b.if_("self._started", [b.return_()]),
            b.do(b.await_(b.call(b.attr(b.call("super"), "initialize")))),
            b.if_(
                "self._health_check_mode",
                [
                    idioms.log("INFO", "health check mode: integrations are not started"),
                    b.assign("self._started", "True"),
                    b.return_(),
                ],
            ),
            *(_start(step) for step in steps),
            *([b.do(b.await_(b.call("self._register_with_consul")))] if consul else []),
            b.assign("self._started", "True"),
            started_log,
        ],
        returns="None",
        is_async=True,
        doc="Start every integration in order; a second call does nothing.",
    )
    cleanup = b.method(
        "cleanup",
        [],
        [
            *([b.do(b.await_(b.call("self._deregister_from_consul")))] if consul else []),
            b.do(b.await_(b.call("self._stop_integrations"))),
            b.assign("self._started", "False"),
            b.do(b.await_(b.call(b.attr(b.call("super"), "cleanup")))),
        ],
        returns="None",
        is_async=True,
        doc="Release every resource in reverse order, even when one step fails; safe to call twice.",
    )
    methods = [initialize, cleanup, _stop_all(steps)]
    if service_mode:
        methods += [
            b.method(
                "start_service_mode",
                [],
                [
                    b.do(b.await_(b.call("self.initialize"))),
                    b.do(b.await_(b.call(b.attr(b.call("super"), "start_service_mode")))),
                ],
                returns="None",
                is_async=True,
                doc="Start the integrations, then serve (MixinNodeService).",
            ),
            b.method(
                "stop_service_mode",
                [],
                [
                    b.try_(
                        [b.do(b.await_(b.call(b.attr(b.call("super"), "stop_service_mode"))))],
                        finally_=[b.do(b.await_(b.call("self.cleanup")))],
                    )
                ],
                returns="None",
                is_async=True,
                doc="Stop serving, then release every integration.",
            ),
        ]
    return Contribution(
        imports={(s.module, s.name) for s in (ONEX_ERROR, ERROR_CODE, LOG_LEVEL)},
        init_statements=[b.assign("self._started", "False")],
        methods=methods,
    )


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    subscribes = spec.events is not None and bool(spec.events.subscribes)
    if selection.integrations or PatternName.CONSUL in selection.patterns or subscribes:
        return "integrations and subscriptions to start in initialize() and stop in cleanup()"
    if PatternName.DISCOVERY in selection.patterns:
        return "the discovery responder to start in initialize() and stop in cleanup()"
    return None


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_lifecycle(
        context,
        earlier.lifecycle,
        consul=PatternName.CONSUL in context.selection.patterns,
        service_mode="MixinNodeService" in context.selection.provides,
    )


PATTERN = Pattern(
    name=PatternName.LIFECYCLE,
    summary=(
        "initialize starts every integration in order, cleanup stops them in reverse; both are safe "
        "to call twice, and cleanup releases every resource even when one step fails"
    ),
    applies=_applies,
    build=_build,
    example=Example(
        before="async def startup(self): ...   # connects Kafka, hopes for the best",
        after="async def initialize(self) -> None:\n    await self._start_postgres()",
    ),
    tests=("tests/test_live_services.py", "tests/upgrade/test_library_api.py"),
    upgradable=True,
)
