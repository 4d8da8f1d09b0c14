"""How cost grows: spec size, packages per call, upgrade files at -j1 / -j2.

    .venv/bin/python -m benchmarks.scaling            # ~10 minutes on 2 CPUs
    .venv/bin/python -m benchmarks.scaling --quick    # smaller sizes, one run each
    .venv/bin/python -m benchmarks.scaling --table    # rewrite the README table from results/scaling.json

Every point is the real command line in a fresh process (``benchmarks.hostile.run_cli``):
wall time, CPU time of the process (user + system, which another job on a shared
machine barely moves) and its own peak memory (VmHWM), the median of ``--runs``.

- **spec size**: ``codegen-ast new`` (level standard) of an Effect spec with N
  operations, 2N input fields, N output fields and N/2 published events (each capped
  at the spec's limits: 64 operations, 128 fields, 64 events); 200 operations is
  over the limit of 64 and is measured as the refusal it is;
- **packages per call**: ``codegen-ast new`` of N copies of examples/orders_effect.yaml
  under different names in one call;
- **upgrade**: ``codegen-ast upgrade --check`` of N hand-written nodes (the
  tests/upgrade/corpus inputs, copied under different class names as
  benchmarks/upgrade.py does) at ``-j1`` and ``-j2``.

The complexity named for each series is read from the marginal cost: the CPU per
unit (operation, package, file) between the two largest points against that
between the two smallest. Within 1.5x: linear; above: worse, and the table says so.
"""

from __future__ import annotations

import argparse
import json
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
_NODE_CLASS = re.compile(r"\bclass (Node\w*?)(Effect|Compute|Reducer|Orchestrator)?\b")


def scaled_spec(operations: int) -> dict[str, Any]:
    """An Effect spec with ``operations`` operations and fields and events in proportion."""
    names = [f"op_{index}" for index in range(operations)]
    return {
        "name": "scale", "node_type": "effect", "description": "A spec grown for the scaling benchmark.",
        "operations": [{"name": name, "description": f"Operation {name}."} for name in names],
        "input_fields": [{"name": f"in_{index}", "type": "str" if index % 2 else "int", "required": index < 2,
                          "description": f"Input {index}."} for index in range(min(2 * operations, 128))],
        "output_fields": [{"name": f"out_{index}", "type": "str"} for index in range(min(operations, 128))],
        "events": {"publishes": [{"event_type": f"scale.done_{index}", "after": [names[index]]}
                                 for index in range(min(max(operations // 2, 1), 64))]},
    }


def _point(arguments: list[str], cwd: Path, runs: int, unit: int) -> dict[str, Any]:
    answers = [run_cli(arguments, cwd) for _ in range(runs)]
    return {
        "n": unit, "exit": sorted({answer.exit_code for answer in answers}),
        "wall_s": round(statistics.median(answer.seconds for answer in answers), 2),
        "cpu_s": round(statistics.median(answer.cpu_seconds for answer in answers), 2),
        "peak_mib": round(statistics.median(answer.peak_mib or 0.0 for answer in answers), 1),
        "first_line": answers[0].first_line[:160],
    }


def spec_sizes(folder: Path, sizes: list[int], runs: int) -> list[dict[str, Any]]:
    points = []
    for size in sizes:
        spec = folder / f"scale_{size}.yaml"
        spec.write_text(yaml.safe_dump(scaled_spec(size), sort_keys=False), encoding="utf-8")
        point = _point(["new", str(spec), "-o", str(folder / f"out_{size}"), "--force"], folder, runs, size)
        package = folder / f"out_{size}" / "node_scale_effect"
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


def complexity(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Marginal CPU per unit, smallest and largest step, and what their ratio says."""
    usable = [point for point in points if point["exit"] in ([0], [1])]  # not refused (2), not killed
    if len(usable) < 3:
        return {"verdict": "too few points"}
    first, second, before_last, last = usable[0], usable[1], usable[-2], usable[-1]
    small = (second["cpu_s"] - first["cpu_s"]) / (second["n"] - first["n"])
    large = (last["cpu_s"] - before_last["cpu_s"]) / (last["n"] - before_last["n"])
    ratio = large / small if small > 0 else float("inf")
    return {"per_unit_small_s": round(small, 4), "per_unit_large_s": round(large, 4), "ratio": round(ratio, 2),
            "verdict": "linear" if ratio <= 1.5 else "worse than linear"}


def table(result: dict[str, Any]) -> str:
    info = result["machine"]
    lines = [BEGIN, f"Run {info['date']}, {info['nproc']} CPUs, Python {info['python']}, load average "
             f"{info['load_average']}; fresh process per point, median of {result['runs']} run(s).", ""]

    def section(title: str, unit: str, points: list[dict[str, Any]], extra: str = "") -> None:
        lines.extend([f"| {title} | exit | wall | CPU | peak memory |{extra and ' ' + extra + ' |'}",
                      f"|---:|:-:|---:|---:|---:|{extra and '---:|'}"])
        for point in points:
            more = f" {point.get('lines', '')} |" if extra else ""
            lines.append(f"| {point['n']} {unit if point['n'] != 1 else unit.rstrip('s')} | {','.join(map(str, point['exit']))} | {point['wall_s']} s | "
                         f"{point['cpu_s']} s | {point['peak_mib']} MiB |{more}")
        verdict = complexity(points)
        if "ratio" in verdict:
            lines.append(f"\n{title}: CPU per {unit.rstrip('s')} {verdict['per_unit_small_s']} s between the two "
                         f"smallest points, {verdict['per_unit_large_s']} s between the two largest "
                         f"({verdict['ratio']}x): **{verdict['verdict']}**.\n")
        else:
            lines.append("")

    section("operations in one spec (`new`)", "ops", result["spec_size"], "generated lines")
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
    parser.add_argument("--quick", action="store_true", help="smaller sizes and one run per point")
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
            "spec_size": spec_sizes(folder, [1, 10, 32] if arguments.quick else [1, 10, 32, 64, 200], runs),
            "packages": package_counts(folder, [1, 5, 10] if arguments.quick else [1, 10, 100], 1),
            "upgrade": upgrade_files(folder, [10, 50, 100] if arguments.quick else [10, 100, 1000], 1),
        }
    for key in ("spec_size", "packages"):
        result[f"{key}_complexity"] = complexity(result[key])
    result["upgrade_complexity"] = {jobs: complexity(points) for jobs, points in result["upgrade"].items()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    write_table(result)


if __name__ == "__main__":
    sys.exit(main())
