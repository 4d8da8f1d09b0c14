"""consul: service registration through py-consul, never blocking the node.

Registration happens in ``initialize`` (constructors do no network I/O) and
deregistration in ``cleanup``. A missing ``consul`` library or an unreachable
agent is logged and the node carries on. py-consul is synchronous, so its
calls run in a worker thread. Settings from the environment: ``CONSUL_HOST``,
``CONSUL_PORT``, ``CONSUL_ENABLE_REGISTRATION``, ``SERVICE_HOST``, ``SERVICE_PORT``.
The service id is ``onex-<name>-<node id>``; tags: onex, node type, version,
name; the agent checks ``http://SERVICE_HOST:SERVICE_PORT/health``.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.decisions import Selection
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.spec import NodeSpec
from codegen_ast.patterns.idioms import Setting, setting, setting_constants
from codegen_ast.patterns.integrations import declarative
from codegen_ast.target import HEALTH_ISSUE, HEALTH_STATUS

SETTINGS = (
    Setting("CONSUL_HOST", "127.0.0.1"),
    Setting("CONSUL_PORT", "8500"),
    Setting("CONSUL_ENABLE_REGISTRATION", "true"),
    Setting("SERVICE_HOST", "127.0.0.1"),
    Setting("SERVICE_PORT", "8060"),
)
_IMPORT_CONSUL = b.with_comment(
    b.line(cst.Import([cst.ImportAlias(b.name("consul"))])),
    "type: ignore[import-untyped, unused-ignore]",
)


def _agent_function() -> cst.FunctionDef:
    return b.function(
        "_consul_agent",
        [],
        [
            _IMPORT_CONSUL,
            b.assign(
                "client",
                b.call("consul.Consul", host=setting("CONSUL_HOST"), port=b.call("int", setting("CONSUL_PORT"))),
            ),
            b.return_("client.agent"),
        ],
        returns="Any",
        doc="The py-consul agent API (imported here: the library is optional).",
    )


def _register_function(context: NodeContext) -> cst.FunctionDef:
    spec = context.spec
    host_port = [
        b.assign("host", setting("SERVICE_HOST")),
        b.assign("port", b.call("int", setting("SERVICE_PORT"))),
    ]
    register = b.call(
        "agent.service.register",
        b.string_literal(f"onex-{spec.name}"),
        service_id="service_id",
        address="host",
        port="port",
        tags=b.list_(
            b.string_literal("onex"),
            b.string_literal(spec.node_type),
            b.string_literal(f"version:{spec.version}"),
            b.string_literal(spec.name),
        ),
        check=b.call(
            "consul.Check.http",
            b.formatted_string("http://", b.name("host"), ":", b.name("port"), "/health"),
            interval=b.string_literal("30s"),
            timeout=b.string_literal("5s"),
        ),
    )
    return b.function(
        "_consul_register",
        [Param("service_id", "str")],
        [_IMPORT_CONSUL, b.assign("agent", b.call("_consul_agent")), *host_port, b.do(register)],
        returns="None",
        doc="Register this node's service with the local Consul agent.",
    )


def _deregister_function() -> cst.FunctionDef:
    return b.function(
        "_consul_deregister",
        [Param("service_id", "str")],
        [b.do(b.call(b.attr(b.attr(b.call("_consul_agent"), "service"), "deregister"), "service_id"))],
        returns="None",
        doc="Remove this node's service from the local Consul agent.",
    )


def _services_function() -> cst.FunctionDef:
    return b.function(
        "_consul_service_ids",
        [],
        [
            b.assign("services", b.call(b.attr(b.call("_consul_agent"), "services")), b.annotation("dict[str, Any]")),
            b.return_(b.call("set", "services")),
        ],
        returns=b.annotation("set[str]"),
        doc="The service ids the local Consul agent knows.",
    )


def _register_method(context: NodeContext) -> cst.FunctionDef:
    return b.method(
        "_register_with_consul",
        [],
        [
            b.assign(
                "enabled",
                b.compare(b.call(b.attr(setting("CONSUL_ENABLE_REGISTRATION"), "lower")), "in", "TRUE_VALUES"),
            ),
            b.if_(
                b.not_("enabled"),
                [idioms.log("INFO", b.string_literal("consul registration disabled by CONSUL_ENABLE_REGISTRATION")), b.return_()],
            ),
            b.assign("service_id", b.formatted_string(f"onex-{context.spec.name}-", b.dotted("self.node_id"))),
            b.try_(
                [
                    b.do(b.await_(b.call("asyncio.to_thread", "_consul_register", "service_id"))),
                    b.assign("self._consul_service_id", "service_id"),
                    idioms.log("INFO", b.string_literal("registered with consul"), service_id="service_id"),
                ],
                [
                    b.except_(
                        "ImportError",
                        [idioms.log("WARNING", b.string_literal("py-consul is not installed: consul registration skipped"))],
                    ),
                    b.except_(
                        "Exception",
                        [
                            idioms.log(
                                "ERROR",
                                b.formatted_string("consul registration failed, continuing without it: ", b.name("error")),
                                error_type=b.attr(b.call("type", "error"), "__name__"),
                            )
                        ],
                        as_name="error",
                    ),
                ],
            ),
        ],
        returns="None",
        is_async=True,
        doc="Register with Consul; failures are logged and never stop the node.",
    )


def _deregister_method() -> cst.FunctionDef:
    return b.method(
        "_deregister_from_consul",
        [],
        [
            b.assign("service_id", "self._consul_service_id"),
            b.if_(b.compare("service_id", "is", "None"), [b.return_()]),
            b.assign("self._consul_service_id", "None"),
            b.try_(
                [
                    b.do(b.await_(b.call("asyncio.to_thread", "_consul_deregister", "service_id"))),
                    idioms.log("INFO", b.string_literal("deregistered from consul"), service_id="service_id"),
                ],
                [
                    b.except_(
                        "Exception",
                        [idioms.log("WARNING", b.formatted_string("consul deregistration failed: ", b.name("error")))],
                        as_name="error",
                    )
                ],
            ),
        ],
        returns="None",
        is_async=True,
        doc="Deregister from Consul; a second call does nothing.",
    )


def _check_method() -> cst.FunctionDef:
    return b.method(
        "_check_consul_health",
        [],
        [
            b.assign("service_id", "self._consul_service_id"),
            b.if_(
                b.compare("service_id", "is", "None"),
                [
                    b.return_(
                        b.call(
                            "ModelHealthStatus.create_degraded",
                            issues=b.list_(idioms.health_issue(b.string_literal("not registered with consul"), "medium")),
                        )
                    )
                ],
            ),
            b.try_(
                [
                    b.with_(
                        [(b.call("asyncio.timeout", "self._health_timeout_s"), None)],
                        [b.assign("known", b.await_(b.call("asyncio.to_thread", "_consul_service_ids")))],
                        is_async=True,
                    )
                ],
                [
                    b.except_(
                        "Exception",
                        [
                            b.return_(
                                b.call(
                                    "ModelHealthStatus.create_unhealthy",
                                    score=b.literal(0.0),
                                    issues=b.list_(
                                        idioms.health_issue(b.formatted_string("consul agent unreachable: ", b.name("error")), "critical")
                                    ),
                                )
                            )
                        ],
                        as_name="error",
                    )
                ],
            ),
            b.if_(
                b.compare("service_id", "not in", "known"),
                [
                    b.return_(
                        b.call(
                            "ModelHealthStatus.create_unhealthy",
                            score=b.literal(0.0),
                            issues=b.list_(
                                idioms.health_issue(b.string_literal("the consul agent no longer lists this node"), "critical")
                            ),
                        )
                    )
                ],
            ),
            b.return_(b.call("ModelHealthStatus.create_healthy", score=b.literal(1.0))),
        ],
        returns="ModelHealthStatus",
        is_async=True,
        doc="HEALTHY while the local agent lists this node's service.",
    )


def build_consul(context: NodeContext) -> Contribution:
    contribution = Contribution(
        imports={("asyncio", ""), ("os", ""), ("typing", "Any"), HEALTH_ISSUE},
        module_statements=[
            *setting_constants(SETTINGS),
            _agent_function(),
            _register_function(context),
            _deregister_function(),
            _services_function(),
        ],
        init_statements=[b.assign("self._consul_service_id", "None", b.annotation("str | None"))],
        methods=[_register_method(context), _deregister_method(), _check_method()],
        health_checks=["_check_consul_health"],
    )
    return contribution.need(HEALTH_STATUS)


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    if "consul" in spec.features or "consul" in spec.dependencies:
        return "consul in features or dependencies"
    return None


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_consul(context)


PATTERN = Pattern(
    name=PatternName.CONSUL,
    summary="service registration through py-consul, never blocking the node.",
    applies=_applies,
    build=_build,
    example=Example(
        before="consul.Consul().agent.service.register(...)  # blocks, fails the node when the agent is down",
        after="await self._register_with_consul()  # in initialize(), in a worker thread; a failure is logged",
    ),
    tests=("tests/test_live_services.py", "tests/upgrade/test_library_api.py"),
    upgradable=True,
    declarative=declarative.consul,
)
