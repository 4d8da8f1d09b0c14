"""Tests of a folding reducer (a reducer with no state machine): each answer is the
declared formulas applied to the request and the answer reduced so far (0 before
the first), recomputed here over several requests; the same request again folds
into the new state (a cached answer is keyed by the request and the state)."""

from __future__ import annotations

from collections.abc import Callable

from codegen_ast import builders as b
from codegen_ast import formulas
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
from codegen_ast.declarative.testgen.default import breaking_request
from codegen_ast.files.values import echo_source, effectively_optional, value_imports, value_of

FOLDS = 3  # requests folded in turn


def folded(module: TestModule, n: int, state: dict[str, b.ExprLike]) -> dict[str, b.ExprLike]:
    """Each answer field after folding the ``n``-th sample request into ``state``
    (the expected answer before, empty before the first)."""
    spec = module.spec
    given = samples(spec.input_fields, n, module.imports)
    outputs = {field.name for field in spec.output_fields}

    def value(name: str) -> b.ExprLike:
        if name in outputs:
            return state.get(name, b.literal(0))
        return given[name]

    expected: dict[str, b.ExprLike] = {}
    for field in spec.output_fields:
        source = echo_source(field, spec.input_fields)
        if field.formula is not None:
            expected[field.name] = formulas.to_cst(formulas.parse(field.formula), lambda name: b.expr(value(name)))
        elif source is not None:
            expected[field.name] = given[source.name]
        elif not effectively_optional(field):
            expected[field.name] = value_of(field.type, sample=False)
            for item in value_imports(field.type, sample=False):
                module.imports.add(*item)
    return expected


def build_fold_tests(module: TestModule, operation: str, cached: bool, after: Callable[[str], Statements]) -> None:
    """Several requests in turn, each answer compared whole; the first again at the
    end: folded into the state reached, not answered as the first time."""
    spec = module.spec
    body: Statements = []
    state: dict[str, b.ExprLike] = {}
    breaking = breaking_request(spec, module.imports)
    for turn, n in enumerate([*range(1, FOLDS + 1), 1], 1):
        state = folded(module, n, state)
        body += [
            b.assign("request", module.request(operation, **samples(spec.input_fields, n, module.imports))),
            b.assign("answer", module.call(operation, "request")),
            module.same("answer", module.answer(
                operation=b.string_literal(spec.routed(operation)), correlation_id="request.correlation_id", **state)),
            *(after(operation) if turn == 1 else []),
        ]
        if turn == 1 and breaking is not None:  # a failed fold leaves the state as it was
            body += [
                b.assign("request", module.request(operation, **breaking)),
                *module.fails("INVALID_INPUT", b.do(module.call(operation, "request"))),
            ]
    if cached:
        module.imports.add("..registry", "REGISTRY")
        body += module.cached_in_redis(operation, FOLDS + 1, spec.cache_ttl_s)  # each request and state its own
        body += [
            b.with_leading_comment(
                b.assign("cache", b.attr(b.call("REGISTRY.resources"), "cache")),
                "answers are kept the declared ttl_s, keyed by the node's version",
            ),
            b.assert_(b.compare(
                b.tuple_("cache.ttl_s", b.subscript(b.call("cache.version.split", b.string_literal("+")), b.literal(0))),
                "==", b.tuple_(b.literal(spec.cache_ttl_s), b.string_literal(spec.version)))),
        ]
    module.test(
        f"test_{operation}_folds_each_request_into_the_state", ["bus"], body,
        f"{operation}: {FOLDS} requests in turn, each answer the declared formulas over the request and the "
        "answer before; the first request again folds into the state reached"
        + ("; a request a formula cannot compute is INVALID_INPUT and leaves the state as it was" if breaking else "")
        + (" (the cache is keyed by the request and the state)." if cached else "."),
    )
