"""How cost grows: spec size, packages per call, upgrade files at -j1 / -j2.

    .venv/bin/python -m benchmarks.scaling            # ~10 minutes on 2 CPUs (--runs 3)
    .venv/bin/python -m benchmarks.scaling --quick    # the same sizes, one run each
    .venv/bin/python -m benchmarks.scaling --table    # rewrite the README table from results/scaling.json

Every point is the real command line in a fresh process (``benchmarks.hostile.run_cli``):
wall time, CPU time of the process (user + system, which another job on a shared
machine barely moves) and its own peak memory (VmHWM), the median of ``--runs``.

- **spec size**: ``codegen-ast new`` (level standard) of an Effect spec with N = 1, 10,
  50, 200 operations, 2N input fields, N output fields and N/2 published events; and
  again with the fields fixed (8 input, 4 output). A spec over the spec limits (64
  operations, 128 fields, 64 events) is refused by ``new`` (exit 2, recorded), then
  measured with the limits lifted in the measured process (``LIFT_LIMITS``);
- **packages per call**: ``codegen-ast new`` of N copies of examples/orders_effect.yaml
  under different names in one call;
- **upgrade**: ``codegen-ast upgrade --check`` of N hand-written nodes (the
  tests/upgrade/corpus inputs, copied under different class names as
  benchmarks/upgrade.py does) at ``-j1`` and ``-j2``.

The complexity named for each series is read from the marginal cost: the CPU per
unit (operation, package, file; and, for spec sizes, generated line) between the two
largest points against that between the two smallest. Within 1.5x: linear; above:
worse, and the table says so.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from benchmarks.generation import machine
from benchmarks import hostile
from benchmarks.hostile import run_cli

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "scaling.json"
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- scaling table: benchmarks/scaling.py -->", "<!-- end of the scaling table -->"
EXAMPLE = ROOT / "examples" / "orders_effect.yaml"
CORPUS = ROOT / "tests" / "upgrade" / "corpus"
SPEC_SIZES = [1, 10, 50, 200]  # operations (issue 21's sizes)
FIXED_FIELDS = 8  # input fields of the second spec series (4 output fields)
_NODE_CLASS = re.compile(r"\bclass (Node\w*?)(Effect|Compute|Reducer|Orchestrator)?\b")


def scaled_spec(operations: int, fields: int | None = None) -> dict[str, Any]:
    """An Effect spec with ``operations`` operations, N/2 published events and 2N input fields,
    N output fields — or, given ``fields``, that many input fields and half as many output fields."""
    names = [f"op_{index}" for index in range(operations)]
    inputs = 2 * operations if fields is None else fields
    outputs = operations if fields is None else max(fields // 2, 1)
    return {
        "name": "scale", "node_type": "effect", "description": "A spec grown for the scaling benchmark.",
        "operations": [{"name": name, "description": f"Operation {name}."} for name in names],
        "input_fields": [{"name": f"in_{index}", "type": "str" if index % 2 else "int", "required": index < 2,
                          "description": f"Input {index}."} for index in range(inputs)],
        "output_fields": [{"name": f"out_{index}", "type": "str"} for index in range(outputs)],
        "events": {"publishes": [{"event_type": f"scale.done_{index}", "after": [names[index]]}
                                 for index in range(max(operations // 2, 1))]},
    }


def over_the_limits(spec: dict[str, Any]) -> bool:
    """Whether a scaled spec declares more than a spec may (``new`` refuses it, exit 2)."""
    from codegen_ast.spec.checks import MAX_EVENTS, MAX_FIELDS, MAX_OPERATIONS

    return (len(spec["operations"]) > MAX_OPERATIONS or len(spec["input_fields"]) > MAX_FIELDS
            or len(spec["output_fields"]) > MAX_FIELDS or len(spec["events"]["publishes"]) > MAX_EVENTS)


# Run before the command line in the point's process: codegen_ast.spec.checks is executed
# first, with its limits raised, so the spec models are built with them (pydantic reads
# max_length when a model class is created). The code measured is otherwise unchanged.
LIFT_LIMITS = """
import importlib.util, sys
import codegen_ast
_spec = importlib.util.spec_from_file_location("codegen_ast.spec.checks", LIMITS_FILE)
_checks = importlib.util.module_from_spec(_spec)
sys.modules["codegen_ast.spec.checks"] = _checks
_spec.loader.exec_module(_checks)
_checks.MAX_OPERATIONS = _checks.MAX_EVENTS = _checks.MAX_FIELDS = 1024
"""


def _point(arguments: list[str], cwd: Path, runs: int, unit: int, prelude: str = "") -> dict[str, Any]:
    answers = [run_cli(arguments, cwd, prelude) for _ in range(runs)]
    return {
        "n": unit, "exit": sorted({answer.exit_code for answer in answers}),
        "wall_s": round(statistics.median(answer.seconds for answer in answers), 2),
        "cpu_s": round(statistics.median(answer.cpu_seconds for answer in answers), 2),
        "peak_mib": round(statistics.median(answer.peak_mib or 0.0 for answer in answers), 1),
        "first_line": answers[0].first_line[:160],
    }


def spec_sizes(folder: Path, sizes: list[int], runs: int, fields: int | None = None) -> list[dict[str, Any]]:
    """``new`` of a scaled spec per size (``fields`` fixed, or in proportion); a spec over the
    spec limits is measured with them lifted, and its refusal by the unchanged command recorded."""
    from codegen_ast.spec import checks

    points = []
    for size in sizes:
        name = f"{size}" if fields is None else f"{size}_f{fields}"
        spec = folder / f"scale_{name}.yaml"
        content = scaled_spec(size, fields)
        spec.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
        arguments = ["new", str(spec), "-o", str(folder / f"out_{name}"), "--force"]
        refused = None
        prelude = ""
        if over_the_limits(content):
            refused = run_cli(arguments, folder)
            prelude = f"LIMITS_FILE = {str(Path(checks.__file__))!r}\n" + LIFT_LIMITS
        point = _point(arguments, folder, runs, size, prelude)
        if refused is not None:
            point["limits_lifted"] = True
            point["refused"] = {"exit": refused.exit_code, "wall_s": refused.seconds,
                                "first_line": refused.first_line[:160]}
        package = folder / f"out_{name}" / "node_scale_effect"
        point["lines"] = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in package.rglob("*.py")) \
            if package.is_dir() else 0
        points.append(point)
    return points


def package_counts(folder: Path, counts: list[int], runs: int) -> list[dict[str, Any]]:
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    points = []
    for count in counts:
        specs = folder / f"specs_{count}"
        specs.mkdir()
        for index in range(count):
            (specs / f"orders{index}.yaml").write_text(
                yaml.safe_dump({**base, "name": f"orders{index}"}, sort_keys=False), encoding="utf-8")
        arguments = ["new", *sorted(str(path) for path in specs.glob("*.yaml")), "-o", str(folder / f"pk_{count}"),
                     "--force"]
        points.append(_point(arguments, folder, runs, count))
    return points


def upgrade_files(folder: Path, counts: list[int], runs: int) -> dict[str, list[dict[str, Any]]]:
    cases = sorted(CORPUS.iterdir())
    series: dict[str, list[dict[str, Any]]] = {"j1": [], "j2": []}
    for count in counts:
        tree = folder / f"up_{count}"
        tree.mkdir()
        for index in range(count):
            case = cases[index % len(cases)]
            copy = index // len(cases)
            source = (case / "input.py").read_text(encoding="utf-8")
            renamed = _NODE_CLASS.sub(lambda match, c=copy: f"class {match[1]}V{c}{match[2] or ''}", source)
            (tree / f"node_{case.name}_{copy}.py").write_text(renamed, encoding="utf-8")
        for jobs in ("1", "2"):
            series[f"j{jobs}"].append(_point(["upgrade", str(tree), "--check", "-q", "-j", jobs], folder, runs, count))
    return series


def complexity(points: list[dict[str, Any]], unit: str = "n", measure: str = "cpu_s") -> dict[str, Any]:
    """Marginal cost (``cpu_s`` or ``peak_mib``) per unit (``n``, or the generated ``lines``) over the
    last step against the step before it, and what their ratio says. The first step of a four-point
    series (1 to 10 operations) is left out: its difference is within the noise of a fresh process."""
    usable = [point for point in points if point["exit"] in ([0], [1])]  # not refused (2), not killed
    if len(usable) < 3:
        return {"verdict": "too few points"}
    first, middle, last = usable[-3:]
    small = (middle[measure] - first[measure]) / (middle[unit] - first[unit])
    large = (last[measure] - middle[measure]) / (last[unit] - middle[unit])
    ratio = large / small if small > 0 else float("inf")
    # The exponent k of cost - cost(smallest) ~ (n - smallest n)^k, from the two largest points.
    base = usable[0]
    grown = [(point[measure] - base[measure], point[unit] - base[unit]) for point in (middle, last)]
    exponent = (math.log(grown[1][0] / grown[0][0]) / math.log(grown[1][1] / grown[0][1])
                if grown[0][0] > 0 and grown[1][0] > 0 and grown[0][1] > 0 else float("nan"))
    verdict = "linear" if ratio <= 1.5 else f"worse than linear (~ n^{exponent:.1f})"
    return {"per_unit_small": round(small, 6), "per_unit_large": round(large, 6), "ratio": round(ratio, 2),
            "exponent": round(exponent, 2), "verdict": verdict}


def table(result: dict[str, Any]) -> str:
    info = result["machine"]
    lines = [BEGIN, f"Run {info['date']}, {info['nproc']} CPUs, Python {info['python']}, load average "
             f"{info['load_average']}; fresh process per point; spec sizes the median of {result['runs']} run(s), "
             "packages and upgrade one run"
             + (f"; load average at the end {result['load_average_after']}." if "load_average_after" in result else "."),
             ""]

    def verdict_line(title: str, unit: str, points: list[dict[str, Any]], key: str = "n", scale: int = 1) -> None:
        per = f"{scale:,} {unit}" if scale != 1 else unit
        for measure, label, symbol in (("cpu_s", "CPU", "s"), ("peak_mib", "peak memory", "MiB")):
            verdict = complexity(points, key, measure)
            if "ratio" in verdict:
                a, b, c = (f"{point[key]:,}" for point in [p for p in points if p["exit"] in ([0], [1])][-3:])
                lines.append(f"- {title}, {label} per {per}: {verdict['per_unit_small'] * scale:.3g} {symbol} from "
                             f"{a} to {b}, {verdict['per_unit_large'] * scale:.3g} {symbol} from {b} to {c} "
                             f"({verdict['ratio']}x): **{verdict['verdict']}**.")

    def section(title: str, unit: str, points: list[dict[str, Any]], generated: bool = False) -> None:
        extra = " generated lines |" if generated else ""
        lines.extend([f"| {title} | exit | wall | CPU | peak memory |{extra}", f"|---:|:-:|---:|---:|---:|{extra and '---:|'}"])
        for point in points:
            more = f" {point.get('lines', 0):,} |" if generated else ""
            name = f"{point['n']} {unit if point['n'] != 1 else unit.rstrip('s')}"
            if point.get("limits_lifted"):
                name += " ¹"
            lines.append(f"| {name} | {','.join(map(str, point['exit']))} | {point['wall_s']} s | "
                         f"{point['cpu_s']} s | {point['peak_mib']} MiB |{more}")
        lines.append("")
        verdict_line(title, unit.rstrip("s"), points)
        if generated:
            verdict_line(title, "generated lines", points, "lines", 1000)
        lifted = [point for point in points if point.get("limits_lifted")]
        for point in lifted:
            refused = point["refused"]
            lines.append(f"\n¹ Over the spec limits (64 operations, 128 fields, 64 events each): `new` refuses it "
                         f"(exit {refused['exit']}, {refused['wall_s']} s); measured with the limits lifted in "
                         "the measured process (`LIFT_LIMITS` in benchmarks/scaling.py), the code otherwise the same.")
        lines.append("")

    section("operations, fields in proportion (`new`)", "ops", result["spec_size"], generated=True)
    if "spec_size_fixed_fields" in result:
        section(f"operations, {FIXED_FIELDS} input fields (`new`)", "ops", result["spec_size_fixed_fields"],
                generated=True)
    section("packages in one `new` call", "packages", result["packages"])
    for jobs, points in result["upgrade"].items():
        section(f"upgrade --check -{jobs}", "files", points)
    return "\n".join([*lines, END])


def write_table(result: dict[str, Any]) -> None:
    text = README.read_text(encoding="utf-8")
    rendered = table(result)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + rendered + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Scaling\n\n" + rendered + "\n"
    README.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per point (the same sizes)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--table", action="store_true", help="only rewrite the README table from the JSON")
    arguments = parser.parse_args(argv)
    if arguments.table:
        write_table(json.loads(RESULTS.read_text(encoding="utf-8")))
        return
    runs = 1 if arguments.quick else arguments.runs
    hostile.TIMEOUT_S = 3600.0  # a point is killed only past an hour (hostile input is cut at 120 s)
    with tempfile.TemporaryDirectory(prefix="codegen-ast-scaling-") as temporary:
        folder = Path(temporary)
        result = {
            "machine": machine(), "runs": runs,
            "spec_size": spec_sizes(folder, SPEC_SIZES, runs),
            "spec_size_fixed_fields": spec_sizes(folder, SPEC_SIZES, runs, FIXED_FIELDS),
            "packages": package_counts(folder, [1, 10, 100], 1),
            "upgrade": upgrade_files(folder, [10, 100, 1000], 1),
        }
    for key in ("spec_size", "spec_size_fixed_fields", "packages"):
        result[f"{key}_complexity"] = complexity(result[key])
        result[f"{key}_memory_complexity"] = complexity(result[key], measure="peak_mib")
    for key in ("spec_size", "spec_size_fixed_fields"):
        result[f"{key}_lines_complexity"] = complexity(result[key], "lines")
        result[f"{key}_lines_memory_complexity"] = complexity(result[key], "lines", "peak_mib")
    result["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    result["upgrade_complexity"] = {jobs: complexity(points) for jobs, points in result["upgrade"].items()}
    result["upgrade_memory_complexity"] = {jobs: complexity(points, measure="peak_mib")
                                           for jobs, points in result["upgrade"].items()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    write_table(result)


if __name__ == "__main__":
    sys.exit(main())
