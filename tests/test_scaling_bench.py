"""The scaling benchmark's machinery: the complexity it names, and the lifting of the spec
limits it measures the sizes beyond them with (benchmarks/scaling.py; the benchmark reports
times, this checks only what it computes and that the lifted process runs the real command)."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks.hostile import run_cli
from benchmarks.scaling import LIFT_LIMITS, complexity, over_the_limits, scaled_spec
from codegen_ast.spec import checks


def _points(costs: dict[int, float]) -> list[dict[str, object]]:
    return [{"n": n, "exit": [0], "cpu_s": cost, "peak_mib": cost, "lines": 10 * n} for n, cost in costs.items()]


def test_a_cost_proportional_to_the_size_is_named_linear() -> None:
    verdict = complexity(_points({1: 1.0, 10: 1.9, 50: 5.9, 200: 20.9}))
    assert verdict["verdict"] == "linear"
    assert verdict["exponent"] == 1.0


def test_a_quadratic_cost_is_named_worse_than_linear_with_its_exponent() -> None:
    points = _points({n: 1.0 + 0.001 * (n - 1) ** 2 for n in (1, 10, 50, 200)})
    verdict = complexity(points)
    assert verdict["verdict"] == "worse than linear (~ n^2.0)"
    assert complexity(points, "lines", "peak_mib")["exponent"] == 2.0


def test_refused_and_killed_points_are_left_out() -> None:
    points = _points({1: 1.0, 10: 1.9, 50: 5.9})
    points.append({"n": 200, "exit": [2], "cpu_s": 0.5, "peak_mib": 1.0, "lines": 0})
    assert complexity(points)["verdict"] == "linear"
    assert complexity(points[:2])["verdict"] == "too few points"


def test_the_scaled_spec_keeps_its_proportions_and_knows_its_limits() -> None:
    spec = scaled_spec(200)
    assert (len(spec["operations"]), len(spec["input_fields"]), len(spec["output_fields"]),
            len(spec["events"]["publishes"])) == (200, 400, 200, 100)
    fixed = scaled_spec(200, fields=8)
    assert (len(fixed["input_fields"]), len(fixed["output_fields"])) == (8, 4)
    assert over_the_limits(spec) and over_the_limits(fixed) and not over_the_limits(scaled_spec(50))


def test_a_spec_over_the_limits_is_refused_and_read_once_they_are_lifted(tmp_path: Path) -> None:
    spec = tmp_path / "scale.yaml"
    spec.write_text(yaml.safe_dump(scaled_spec(checks.MAX_OPERATIONS + 1, fields=2), sort_keys=False),
                    encoding="utf-8")
    refused = run_cli(["explain", str(spec)], tmp_path)
    assert refused.exit_code == 2 and "more than the 64" in refused.output, refused.output
    lifted = run_cli(["explain", str(spec)], tmp_path, f"LIMITS_FILE = {checks.__file__!r}\n" + LIFT_LIMITS)
    assert lifted.exit_code == 0, lifted.output
    assert lifted.first_line.startswith("node type:"), lifted.output
