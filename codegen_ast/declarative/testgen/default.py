"""Tests of the operations no pattern carries out: the declared formulas, else the
documented hook (same-named input fields echoed, the other required fields at their
empty value) — the whole answer is compared, so a changed formula or echo fails."""

from __future__ import annotations

import ast
import builtins
import decimal
from collections.abc import Callable

import libcst as cst

from codegen_ast import builders as b
from codegen_ast import formulas
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.spec import NodeSpec
from codegen_ast.files.values import echo_source, effectively_optional, value_imports, value_of


def expected_answer(module: TestModule, n: int) -> dict[str, b.ExprLike]:
    """Each output field the default ``run`` sets, for the ``n``-th sample request."""
    spec = module.spec
    given = samples(spec.input_fields, n, module.imports)
    expected: dict[str, b.ExprLike] = {}
    for field in spec.output_fields:
        source = echo_source(field, spec.input_fields)
        if field.formula is not None:
            expected[field.name] = formulas.to_cst(formulas.parse(field.formula), lambda name: given[name])
        elif source is not None:
            expected[field.name] = given[source.name]
        elif not effectively_optional(field):
            expected[field.name] = value_of(field.type, sample=False)
            for item in value_imports(field.type, sample=False):
                module.imports.add(*item)
    return expected


# values that make a formula fail, by type: an int too large to become a float,
# and zeros (a division by a field); tried here before a test uses them
_BREAKING: dict[str, object] = {"int": 10**400, "float": 0.0, "Decimal": decimal.Decimal(0)}


def _breaking_value(scalar: str, imports: b.ImportSet) -> cst.BaseExpression:
    if scalar == "int":
        return b.binop(b.literal(10), "**", b.literal(400))
    if scalar == "Decimal":
        imports.add("decimal", "Decimal")
        return b.call("Decimal", b.string_literal("0"))
    return b.literal(0.0)


def breaking_request(spec: NodeSpec, imports: b.ImportSet) -> dict[str, cst.BaseExpression] | None:
    """A request on which a declared formula raises an ArithmeticError (the handler
    answers INVALID_INPUT), when the values of ``_BREAKING`` make one do so; else None."""
    trees = [formulas.parse(f.formula) for f in spec.output_fields if f.formula is not None]
    if not any(formulas.divides(tree) for tree in trees):
        return None  # no formula can fail: the handler has no failure branch
    scalars = {f.name: f.type.scalar for f in spec.input_fields if f.type.kind == "scalar" and f.type.scalar in _BREAKING}
    values = {name: _BREAKING[scalar] for name, scalar in scalars.items()}
    functions = {name: getattr(builtins, name) for name in formulas.FUNCTIONS}
    for tree in trees:
        if not set(formulas.names(tree)) <= set(values):
            continue
        try:
            eval(compile(ast.Expression(tree), "<formula>", "eval"), {"__builtins__": functions}, dict(values))
        except ArithmeticError:
            request = samples(spec.input_fields, 1, imports)
            return {**request, **{name: _breaking_value(scalar, imports) for name, scalar in scalars.items()}}
        except Exception:  # noqa: BLE001 - another failure: not one the handler maps
            continue
    return None


def build_default_tests(module: TestModule, operation: str, cached: bool, after: Callable[[str], Statements]) -> None:
    """The answer to a sample request, field by field (formulas recomputed from the
    sample values); a cached operation answers a second, different request afresh."""
    spec = module.spec
    has_formulas = any(field.formula is not None for field in spec.output_fields)
    body: list[cst.BaseStatement] = []
    for n in (1, 2) if cached else (1,):
        request = module.request(operation, **samples(spec.input_fields, n, module.imports))
        body += [
            b.assign("request", request),
            b.assign("answer", module.call(operation, "request")),
            module.same("answer", module.answer(
                operation=b.string_literal(spec.routed(operation)), correlation_id="request.correlation_id",
                **expected_answer(module, n),
            )),
            *(after(operation) if n == 1 else []),
        ]
    if cached:  # the first request again: the same answer (from the cache or not)
        body += [
            b.assign("again", module.call(operation, module.request(
                operation, correlation_id="request.correlation_id", **samples(spec.input_fields, 2, module.imports)))),
            module.same("again", "answer"),
            *module.cached_in_redis(operation, 2, spec.cache_ttl_s),
            b.with_leading_comment(
                b.assign("cache", b.attr(b.call("REGISTRY.resources"), "cache")),
                "answers are kept the declared ttl_s, keyed by the node's version",
            ),
            b.assert_(b.compare(b.tuple_("cache.ttl_s", b.subscript(b.call("cache.version.split", b.string_literal("+")), b.literal(0))), "==",
                                b.tuple_(b.literal(spec.cache_ttl_s), b.string_literal(spec.version)))),
        ]
        module.imports.add("..registry", "REGISTRY")
    breaking = breaking_request(spec, module.imports)
    if breaking is not None:
        module.test(
            f"test_{operation}_refuses_a_request_its_formulas_cannot_compute", ["bus"], [
                b.assign("request", module.request(operation, **breaking)),
                *module.fails("INVALID_INPUT", b.do(module.call(operation, "request"))),
            ], f"{operation}: a formula failing on the request (too large a number, a division by zero) is the "
               "caller's INVALID_INPUT.")
    what = "the declared formulas" if has_formulas else "the generated hook's answer (input fields echoed)"
    module.test(
        f"test_{operation}_answers_{'its_formulas' if has_formulas else 'the_hook_default'}", ["bus"], body,
        f"{operation}: {what}, every field of the answer compared"
        + ("; a different request is computed afresh, the same one answered alike." if cached else "."),
    )
