"""metrics: counters and durations of the process path, through MixinMetrics.

Before (a node without metrics)::

    async def process(self, input_data): ...

After: ``process`` calls ``self._record_operation(operation, started,
succeeded)`` in its ``finally``; operations, successes, failures and
``time.perf_counter`` durations go to ``MixinMetrics`` and the framework's
processing metrics; ``get_operation_metrics()`` returns them as numbers.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast.patterns import idioms
from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.record import Earlier, Example, Pattern, PatternName, always
from codegen_ast.target import METRIC_ENTRY

COUNTERS = ("operations", "successes", "failures")
GAUGES = ("duration_ms_last", "duration_ms_total")


def metric_constant(metric: str) -> str:
    return "METRIC_" + metric.upper()


def _metric_value_function() -> cst.FunctionDef:
    entry = b.name("entry")
    return b.function(
        "_metric_value",
        [Param("recorded", b.annotation("dict[str, TypedDictMetricEntry]")), Param("name", "str")],
        [
            b.assign("entry", b.call("recorded.get", "name")),
            b.return_(
                b.if_exp(
                    b.compare(entry, "is", "None"),
                    b.literal(0.0),
                    b.call("float", b.subscript(entry, b.string_literal("value"))),
                )
            ),
        ],
        returns="float",
        doc="The recorded value of one metric, 0.0 when it was never recorded.",
    )


def _record_operation(context: NodeContext) -> cst.FunctionDef:
    tags = b.name("tags")
    return b.method(
        "_record_operation",
        [Param("operation", "str"), Param("started", "float"), Param("succeeded", "bool")],
        [
            b.assign(
                "duration_ms",
                b.binop(
                    _elapsed("started"), "*", b.literal(1000.0)
                ),
            ),
            b.assign("tags", b.dict_({"operation": b.name("operation")})),
            idioms.count(metric_constant("operations"), tags=tags),
            b.if_(
                "succeeded",
                [idioms.count(metric_constant("successes"), tags=tags)],
                [idioms.count(metric_constant("failures"), tags=tags)],
            ),
            b.do(b.call("self.record_histogram", metric_constant("duration_ms_last"), "duration_ms", tags=tags)),
            b.augment("self._duration_ms_total", "+=", "duration_ms"),
            b.do(b.call("self.record_metric", metric_constant("duration_ms_total"), "self._duration_ms_total")),
            b.do(b.await_(b.call("self._update_processing_metrics", "duration_ms", "succeeded"))),
        ],
        returns="None",
        is_async=True,
        doc="Count the operation and its outcome and record how long it took.",
    )


def _elapsed(started: str) -> cst.BaseExpression:
    """``(time.perf_counter() - started)``"""
    return b.parens(b.binop(b.call("time.perf_counter"), "-", started))


def _get_operation_metrics(counters: tuple[str, ...]) -> cst.FunctionDef:
    def value(metric: str) -> cst.BaseExpression:
        read = b.call("_metric_value", "recorded", metric_constant(metric))
        return b.call("int", read) if metric in counters else read

    return b.method(
        "get_operation_metrics",
        [],
        [
            b.assign("recorded", b.call("self.get_metrics")),
            b.return_(b.dict_({metric: value(metric) for metric in counters + GAUGES})),
        ],
        returns=b.annotation("dict[str, float | int]"),
        doc="Counters and durations recorded by process(), as plain numbers.",
    )


def build_metrics(context: NodeContext, integration_counters: list[str]) -> Contribution:
    """Operation counters and durations, plus the integrations' own counters
    (queries, API calls, events published...), all through MixinMetrics."""
    counters = COUNTERS + tuple(dict.fromkeys(integration_counters))
    constants = [
        b.assign(metric_constant(metric), b.string_literal(f"{context.metric_prefix}.{metric}"))
        for metric in counters + GAUGES
    ]
    return Contribution(
        imports={("time", ""), METRIC_ENTRY},
        module_statements=[*constants, _metric_value_function()],
        init_statements=[b.assign("self._duration_ms_total", b.literal(0.0))],
        methods=[_get_operation_metrics(counters), _record_operation(context)],
    )


def _build(context: NodeContext, earlier: Earlier) -> Contribution:
    return build_metrics(context, earlier.counters)


PATTERN = Pattern(
    name=PatternName.METRICS,
    summary="counters and durations of the process path, through MixinMetrics.",
    applies=always("always: MixinMetrics counters and perf_counter durations"),
    build=_build,
    example=Example(
        before="async def process(self, input_data): ...",
        after="await self._record_operation(operation, started, succeeded)",
    ),
    tests=("tests/test_generated_package.py", "tests/upgrade/test_upgrade_rules.py"),
    upgradable=True,
)
