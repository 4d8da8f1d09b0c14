"""What every builder of a declarative package's tests shares: the test module being
built (its imports and statements), sample values, and the statements tests repeat
(a request through a handler, an expected failure, the events read back)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.spec import FieldSpec, FieldType, NodeSpec
from codegen_ast.target import ERROR_CODE, ONEX_ERROR

TESTING = "onex_support.testing.fixtures"
Statements = list[cst.BaseStatement]
# the fixtures a test may take, and their annotations
FIXTURES = {"postgres": "Database", "bus": "Bus", "http_api": "HttpStandIn", "monkeypatch": "pytest.MonkeyPatch",
            "redis": "str", "kafka": "str", "consul_off": "None"}
# the fixture each integration of the node's resources needs started
SERVICES = {"postgres": "postgres", "redis": "redis", "http": "http_api", "kafka": "kafka", "consul": "consul_off"}


@dataclass
class TestModule:
    """A test module of the package: its imports and its top-level statements."""

    spec: NodeSpec
    names: DeclarativeNames
    services: list[str] = field(default_factory=list)  # fixtures every test takes (the node's integrations)
    imports: b.ImportSet = field(default_factory=b.ImportSet)
    body: Statements = field(default_factory=list)

    def __post_init__(self) -> None:
        self.imports.add("pytest")

    def test(self, name: str, fixtures: Sequence[str], body: Statements, doc: str) -> None:
        """An async test taking ``fixtures`` (names of FIXTURES), after the node's services."""
        fixtures = [*(service for service in self.services if service not in fixtures), *fixtures]
        for fixture in fixtures:
            annotation = FIXTURES[fixture]
            if annotation == "Database":
                self.imports.add(TESTING, "Database")
            elif annotation == "Bus":
                self.imports.add(TESTING, "Bus")
            elif annotation == "HttpStandIn":
                self.imports.add("onex_support.testing.http_stand_in", "HttpStandIn")
        self.body.append(b.function(
            name, [Param(fixture, FIXTURES[fixture]) for fixture in fixtures], body,
            returns="None", is_async=True, doc=doc, decorators=["pytest.mark.asyncio"],
        ))

    def handler(self, operation: str) -> str:
        """The handler class of ``operation``, imported."""
        cls = self.names.handler_class(operation)
        self.imports.add(f"..handlers.{self.names.handler_module(operation)}", cls)
        return cls

    def request(self, operation: str, **values: b.ExprLike) -> cst.Call:
        """The node's request for ``operation`` with ``values``."""
        self.imports.add(f"..models.{self.names.request_module}", self.names.request_model)
        return b.call(self.names.request_model, operation=b.string_literal(self.spec.routed(operation)), **values)

    def answer(self, **values: b.ExprLike) -> cst.Call:
        self.imports.add(f"..models.{self.names.answer_module}", self.names.answer_model)
        return b.call(self.names.answer_model, **values)

    def same(self, actual: b.ExprLike, expected: b.ExprLike) -> cst.BaseStatement:
        """``assert actual == expected``; for an answer extending the framework's output
        model, on the node's own fields (the framework's, such as its timestamp, differ per call)."""
        from codegen_ast.declarative.models import framework_model

        framework = framework_model(self.spec, "output")
        if framework is None:
            return b.assert_(b.compare(actual, "==", expected))
        self.imports.add(framework.module, framework.name)
        theirs = b.call("set", b.attr(framework.name, "model_fields"))
        return b.assert_(b.compare(b.call(b.attr(actual, "model_dump"), exclude=theirs), "==",
                                   b.call(b.attr(expected, "model_dump"), exclude=theirs)))

    def call(self, operation: str, request: b.ExprLike, bus: bool = True) -> cst.Await:
        """``await call(Handler, request, bus)``: one request as the runtime runs it."""
        self.imports.add(TESTING, "call")
        return b.await_(b.call("call", self.handler(operation), request, *(["bus"] if bus else [])))

    def fails(self, code: str, statement: cst.BaseStatement, *checks: cst.BaseStatement) -> Statements:
        """``statement`` raises the framework error ``code``; ``checks`` then read ``caught.value``."""
        self.imports.add(ONEX_ERROR.module, ONEX_ERROR.name).add(ERROR_CODE.module, ERROR_CODE.name)
        return [
            b.with_([(b.call("pytest.raises", ONEX_ERROR.name), "caught")], [statement]),
            b.assert_(b.compare("caught.value.error_code", "==", f"{ERROR_CODE.name}.{code}")),
            *checks,
        ]

    def refused(self, variable: str, address: str, request: b.ExprLike, operation: str, code: str,
                checks: Sequence[cst.BaseStatement], name: str, doc: str) -> None:
        """A test pointing ``variable`` at an ``address`` nobody listens on (a helper of
        onex_support.testing.servers): ``operation`` fails with ``code``, then ``checks``."""
        self.imports.add("onex_support.testing.servers", address)
        body = [
            b.do(b.call("monkeypatch.setenv", b.string_literal(variable), b.call(address))),
            b.assign("request", request),
            *self.fails(code, b.do(self.call(operation, "request")), *checks),
        ]
        self.test(name, ["monkeypatch", "bus"], body, doc)

    def context_is(self, key: str, value: b.ExprLike) -> cst.BaseStatement:
        """The caught error's context holds ``key`` = ``value``."""
        self.imports.add(TESTING, "context")
        return b.assert_(b.compare(b.subscript(b.call("context", "caught.value"), b.string_literal(key)), "==", value))

    def cached_in_redis(self, operation: str, count: int, ttl_s: int) -> Statements:
        """Redis holds ``count`` answers of ``operation`` under the node's keys, each
        kept at most ``ttl_s`` (when the node caches in Redis: the ``redis`` fixture)."""
        if "redis" not in self.services:
            return []
        self.imports.add("redis.asyncio", "Redis")
        keys = b.await_(b.call("client.keys", b.string_literal(f"{self.spec.name}:cache:{self.spec.routed(operation)}:*")))
        return [
            b.assign("client", b.call("Redis.from_url", "redis")),
            b.assign("keys", keys),
            b.assert_(b.compare(b.call("len", "keys"), "==", b.literal(count))),
            b.assign("ttls", b.list_comp(b.await_(b.call("client.ttl", "key")), "key", "keys")),
            b.assert_(b.compare(b.call("min", "ttls", default=b.literal(1)), ">", b.literal(0))),
            b.assert_(b.compare(b.call("max", "ttls", default=b.literal(0)), "<=", b.literal(ttl_s))),
            b.do(b.await_(b.call("client.aclose"))),
        ]

    def events_on(self, topic: str, target: str = "events") -> cst.BaseStatement:
        """``events = await published(bus, topic)``."""
        self.imports.add(TESTING, "published")
        return b.assign(target, b.await_(b.call("published", "bus", b.string_literal(topic))))


# --- sample values -------------------------------------------------------------------
_FLOATS = (12.34, 7.5, 3.25, 19.99, 42.42)


def sample(field_type: FieldType, n: int, imports: b.ImportSet, index: int = 0, label: str = "sample") -> cst.BaseExpression:
    """The ``n``-th sample of a type (n from 1) for the ``index``-th field named
    ``label``: different samples differ, two fields differ, and they order as ``n``."""
    scalar = field_type.scalar
    if field_type.kind == "list" and field_type.item is not None:
        return b.expr(b.list_(sample(field_type.item, n, imports, index, label)))
    if field_type.kind == "dict" and field_type.item is not None:
        return b.expr(b.dict_({"key": sample(field_type.item, n, imports, index, label)}))
    if scalar == "str" or scalar == "Any":
        return b.string_literal(f"{label}-{n}")
    if scalar == "int":
        return b.literal(n + 2 + 10 * index)
    if scalar == "float":
        return b.literal(_FLOATS[index % len(_FLOATS)] + 10 * (n - 1))
    if scalar == "bool":
        return b.name("True" if n % 2 else "False")
    if scalar == "Decimal":
        imports.add("decimal", "Decimal")
        return b.call("Decimal", b.string_literal(f"{n}.25"))
    if scalar == "UUID":
        imports.add("uuid", "UUID")
        return b.call("UUID", int=b.literal(n))
    if scalar == "datetime":
        imports.add("datetime", "UTC").add("datetime", "datetime")
        return b.call("datetime", b.literal(2024), b.literal(1), b.literal(n), tzinfo="UTC")
    if scalar == "date":
        imports.add("datetime", "date")
        return b.call("date", b.literal(2024), b.literal(1), b.literal(n))
    if scalar == "bytes":
        return b.literal(f"sample-{n}".encode())
    if scalar in ("SecretStr", "SecretBytes"):
        imports.add("pydantic", scalar)
        inner = b.string_literal(f"sample-{n}") if scalar == "SecretStr" else b.literal(f"sample-{n}".encode())
        return b.call(scalar, inner)
    raise ValueError(f"no sample for the type {scalar!r}")


def samples(fields: Sequence[FieldSpec], n: int, imports: b.ImportSet) -> dict[str, cst.BaseExpression]:
    """Field name -> its ``n``-th sample, for each field."""
    return {f.name: sample(f.type, n, imports, index, f.name) for index, f in enumerate(fields)}


def text_of(field_type: FieldType, n: int, index: int, label: str) -> str | None:
    """The sample as it travels as text (a path segment, a query value), when the
    type's text is plain: strings as they are, numbers and booleans as JSON."""
    if field_type.kind != "scalar":
        return None
    if field_type.scalar in ("str", "Any"):
        return f"{label}-{n}"
    if field_type.scalar == "int":
        return str(n + 2 + 10 * index)
    if field_type.scalar == "float":
        return repr(_FLOATS[index % len(_FLOATS)] + 10 * (n - 1))
    if field_type.scalar == "bool":
        return "true" if n % 2 else "false"
    return None


def json_sample(field_type: FieldType, n: int, index: int, label: str,
                imports: b.ImportSet) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """The sample as JSON carries it and as the model holds it, when both are plain."""
    if field_type.kind != "scalar":
        return None
    scalar = field_type.scalar
    if scalar in ("str", "Any", "int", "float", "bool"):
        value = sample(field_type, n, imports, index, label)
        return value, value
    if scalar == "Decimal":
        return b.string_literal(f"{n}.25"), sample(field_type, n, imports, index, label)
    if scalar == "UUID":
        return b.string_literal(str(uuid.UUID(int=n))), sample(field_type, n, imports, index, label)
    if scalar == "datetime":
        return b.string_literal(f"2024-01-{n:02d}T00:00:00Z"), sample(field_type, n, imports, index, label)
    return None
