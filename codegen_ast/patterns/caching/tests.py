"""The generated package's own tests of the cache: a hit, a miss, a failing cache."""

from __future__ import annotations

from collections.abc import Callable
import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.patterns.caching.node import Statements, is_reducer, cached_operations, uses_redis


def generated_tests(
    context: NodeContext, node_class: str, request: Callable[[str], cst.Call]
) -> list[cst.FunctionDef]:
    """Tests of the cache for the package's own test module (no service needed).

    With MixinCaching a Compute node answers a repeated request from the cache.
    With Redis the node under test is not started, so the lookup fails: the test
    shows that the operation is still answered and the failure counted. A
    Reducer's answer depends on its state, which a repeated request changes, so
    its test shows that the second request is computed again."""
    if "caching" not in context.selection.patterns:
        return []
    operation = cached_operations(context)[0]

    def test(name: str, body: Statements) -> cst.FunctionDef:
        return b.function(
            name, [Param("node", node_class)], body, returns="None", is_async=True, decorators=["pytest.mark.asyncio"]
        )

    def metric(name: str, value: int) -> cst.BaseStatement:
        return b.assert_(b.compare(b.subscript("metrics", b.string_literal(name)), "==", b.literal(value)))

    if uses_redis(context):
        return [
            test(
                "test_cache_failure_never_fails_the_operation",
                [
                    b.with_leading_comment(
                        b.assign("output", b.await_(b.call("node.process", request(operation)))),
                        "redis is not started: the lookup fails, is counted, and the request is computed",
                    ),
                    b.assert_(b.call("isinstance", "output", context.output_model)),
                    b.assign("metrics", b.call("node.get_operation_metrics")),
                    metric("successes", 1),
                    metric("cache_failures", 1),
                    metric("cache_hits", 0),
                ],
            )
        ]
    if is_reducer(context):
        return [
            test(
                "test_reduced_state_is_part_of_the_cache_key",
                [
                    b.do(b.await_(b.call("node.process", request(operation)))),
                    b.with_leading_comment(
                        b.do(b.await_(b.call("node.process", request(operation)))),
                        "the same request, applied to the state the first one left: computed again",
                    ),
                    b.assign("metrics", b.call("node.get_operation_metrics")),
                    metric("cache_misses", 2),
                    metric("cache_hits", 0),
                ],
            )
        ]
    return [
        test(
            "test_identical_request_is_answered_from_cache",
            [
                b.assign("first", b.await_(b.call("node.process", request(operation)))),
                b.assign("request", request(operation)),
                b.assign("second", b.await_(b.call("node.process", "request"))),
                b.assert_(b.and_(b.not_("first.cache_hit"), "second.cache_hit")),
                b.assert_(b.compare("second.result", "==", "first.result")),
                b.with_leading_comment(
                    b.assert_(b.compare("second.correlation_id", "==", "request.correlation_id")),
                    "the cached answer carries this request's ids",
                ),
                b.assign("metrics", b.call("node.get_operation_metrics")),
                metric("cache_hits", 1),
                metric("cache_misses", 1),
                b.assert_(b.compare(b.await_(b.call("node.clear_operation_cache")), "==", b.literal(1))),
            ],
        )
    ]
