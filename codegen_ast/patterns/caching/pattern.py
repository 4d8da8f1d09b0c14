"""The caching pattern's record: cache-aside with a TTL for compute and reducer answers."""

from __future__ import annotations

from codegen_ast import builders as b
from codegen_ast.decisions import Selection
from codegen_ast.files.values import sample_request
from codegen_ast.patterns.caching.contract import contract_section
from codegen_ast.patterns.caching.node import build_caching
from codegen_ast.patterns.caching.tests import generated_tests
from codegen_ast.patterns.contribution import Contribution, GeneratedTests, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName
from codegen_ast.profiles import variant_brings
from codegen_ast.spec import NodeSpec
from codegen_ast.target import node_kind

_SKIPPED = (
    "skipped: cache-aside is generated for compute and reducer nodes without a state machine; "
    "an effect's or orchestrator's answer depends on the outside world"
)


def _cacheable(spec: NodeSpec) -> bool:
    return node_kind(spec.node_type).caches and spec.state_machine is None


def _applies(spec: NodeSpec, selection: Selection) -> str | None:
    if spec.cache is not None:
        return f"cache declared: cache-aside, TTL {spec.cache_ttl_s} s"
    if "caching" in spec.features or variant_brings(selection.variant, PatternName.CACHING):
        why = "caching feature" if "caching" in spec.features else "the variant brings it"
        return f"{why}: cache-aside, TTL {spec.cache_ttl_s} s" if _cacheable(spec) else None
    return None


def _declines(spec: NodeSpec, selection: Selection) -> str | None:
    return _SKIPPED if "caching" in spec.features and not _cacheable(spec) else None


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    imports = b.ImportSet()
    contribution = build_caching(context)
    contribution.contract = contract_section(context)
    contribution.tests = GeneratedTests(
        imports=imports,
        tests=list(generated_tests(context, context.spec.class_name, lambda op: sample_request(context, op, imports))),
    )
    return contribution


PATTERN = Pattern(
    name=PatternName.CACHING,
    summary="cache-aside with a TTL for Compute and Reducer nodes.",
    applies=_applies,
    declines=_declines,
    build=_build,
    example=Example(
        before="output = await handler(request)",
        after="output = await self._answer_through_cache(request, handler)",
    ),
    tests=("tests/test_caching.py",),
)
