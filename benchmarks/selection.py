"""How long the mixin selector takes per spec (benchmarks are not tests).

    .venv/bin/python -m benchmarks.selection

Times ``select(spec)`` for each golden spec (median of many runs) against a
baseline measured in the same run: constructing the spec's NodeSpec from a
dict, the unavoidable cost that precedes every selection. Writes
benchmarks/results/selection.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

from codegen_ast.readers import read_node_spec
from codegen_ast.selection import select
from codegen_ast.spec import NodeSpec

ROOT = Path(__file__).resolve().parent.parent
RUNS = 2000


def _median_us(action, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def main() -> None:
    rows = []
    for spec_file in sorted((ROOT / "tests" / "cases").glob("*/spec.yaml")):
        spec = read_node_spec(spec_file)
        data = spec.model_dump()
        select(spec)  # warm up
        rows.append(
            {
                "case": spec_file.parent.name,
                "select_us": round(_median_us(lambda: select(spec)), 2),
                "baseline_spec_validation_us": round(_median_us(lambda: NodeSpec.model_validate(data)), 2),
            }
        )
    overall = statistics.median(row["select_us"] for row in rows)
    baseline = statistics.median(row["baseline_spec_validation_us"] for row in rows)
    print(f"{'case':<26}{'select (us)':>14}{'spec validation (us)':>24}")
    for row in rows:
        print(f"{row['case']:<26}{row['select_us']:>14}{row['baseline_spec_validation_us']:>24}")
    print(f"median select: {overall:.1f} us (goal < 20 us; the seed reported 50-150 us); "
          f"{overall / baseline:.2f}x the spec validation baseline")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "selection.json").write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "processor": platform.machine(), "cpus": __import__("os").cpu_count()},
                "median_select_us": round(overall, 2),
                "median_baseline_us": round(baseline, 2),
                "cases": rows,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
