"""Tests of the operations no pattern carries out: the declared formulas, else the
documented hook (same-named input fields echoed, the other required fields at their
empty value) — the whole answer is compared, so a changed formula or echo fails."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from codegen_ast import builders as b
from codegen_ast import formulas
from codegen_ast.declarative.testgen.common import Statements, TestModule, samples
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
            b.assert_(b.compare("answer", "==", module.answer(
                operation=b.string_literal(spec.routed(operation)), correlation_id="request.correlation_id",
                **expected_answer(module, n),
            ))),
            *(after(operation) if n == 1 else []),
        ]
    if cached:  # the first request again: the same answer (from the cache or not)
        body += [
            b.assign("again", module.call(operation, module.request(
                operation, correlation_id="request.correlation_id", **samples(spec.input_fields, 2, module.imports)))),
            b.assert_(b.compare("again", "==", "answer")),
            b.with_leading_comment(
                b.assign("cache", b.attr(b.call("REGISTRY.resources"), "cache")),
                "answers are kept the declared ttl_s, keyed by the node's version",
            ),
            b.assert_(b.compare(b.tuple_("cache.ttl_s", b.subscript(b.call("cache.version.split", b.string_literal("+")), b.literal(0))), "==",
                                b.tuple_(b.literal(spec.cache_ttl_s), b.string_literal(spec.version)))),
        ]
        module.imports.add("..registry", "REGISTRY")
    what = "the declared formulas" if has_formulas else "the generated hook's answer (input fields echoed)"
    module.test(
        f"test_{operation}_answers_{'its_formulas' if has_formulas else 'the_hook_default'}", ["bus"], body,
        f"{operation}: {what}, every field of the answer compared"
        + ("; a different request is computed afresh, the same one answered alike." if cached else "."),
    )
