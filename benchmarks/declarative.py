"""One declarative package: build, format and validate (stages 1-5), per package (benchmarks are not tests).

    .venv/bin/python -m benchmarks.declarative            # ~2 minutes
    .venv/bin/python -m benchmarks.declarative --runs 3   # quicker, noisier

For each of the 24 golden specs (tests/cases/*/spec.yaml), in the declarative shape
(``new``'s default), three things are timed, interleaved so that all three see the
same machine, in one process after one warm-up run of each spec:

- **package**: ``generate_declarative(spec)`` then ``validate_generated(package,
  level="standard")`` — every file built, formatted (one ``ruff format`` call) and
  validated, stages 1-5 plus the import check (IMP003, in its worker process).
  Goal: under 50 ms.
- **package, nothing kept between packages**: the same, after emptying the
  validator's per-process tables (:mod:`codegen_ast.validate.parsed`: what it read
  of the framework's modules and of the ``onex_support`` folder staged beside each
  package). Before those tables, the framework's defined names were already kept
  per process (by path), the rest was read again: the old cost lies between the two.
- **baseline**: the floor of any pipeline that writes a package and checks it: the
  same files written to a temporary folder (a scratch folder, in memory where the
  machine has one, as the pipeline's staging: :mod:`codegen_ast.scratch`), each Python
  file ``compile()``-d, the folder removed. The ratio package / baseline is the
  machine-independent figure.

CPU time of this process (``time.process_time``) is the headline: the machine is
shared, and wall time counts other sessions' work; wall time is reported too, and
the CPU with the children waited for (``ruff format``, one process per package,
whose CPU the headline leaves out). The import check runs in another process, so
its CPU is in neither CPU figure (its wall time is, when the answer is waited for;
after the warm-up it is answered from disk, see docs/validation.md). Medians: per spec over the runs, then
over the specs. Writes benchmarks/results/declarative.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generation import golden_specs, machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "declarative.json"
RUNS = 7
PACKAGE_GOAL_MS = 50.0


def package(spec: Any) -> None:
    from codegen_ast.declarative.generate import generate_declarative
    from codegen_ast.validate import validate_generated

    report = validate_generated(generate_declarative(spec), level="standard")
    if not report.passed:
        raise SystemExit(f"{spec.name}: the generated declarative package fails validation")


def package_nothing_kept(spec: Any) -> None:
    from codegen_ast.validate import parsed

    parsed.forget()
    package(spec)


def baseline(files: dict[str, str]) -> None:
    from codegen_ast.scratch import scratch_folder

    folder = scratch_folder("codegen-ast-bench-")  # where the pipeline stages its files
    try:
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if relative.endswith(".py"):
                compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(action: Callable[[], None]) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, CPU seconds of the children waited for) of one call."""
    cpu, wall, children = time.process_time(), time.perf_counter(), _children_cpu()
    action()
    return time.process_time() - cpu, time.perf_counter() - wall, _children_cpu() - children


def _children_cpu() -> float:
    """CPU seconds of the child processes this one waited for (``ruff format``, one per
    package; the import worker lives on, its CPU is never in it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.declarative", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    arguments = parser.parse_args(argv)
    from codegen_ast.declarative.generate import generate_declarative

    specs = golden_specs()
    texts = {}
    for case, spec in specs:  # warm-up: imports, the import worker, the framework's modules
        built = generate_declarative(spec)
        texts[case] = {**{f"{built.name}/{path}": text for path, text in built.files.items()}, **built.beside}
        package(spec)
    kinds: dict[str, Callable[[str, Any], None]] = {
        "package": lambda case, spec: package(spec),
        "package_nothing_kept": lambda case, spec: package_nothing_kept(spec),
        "baseline": lambda case, spec: baseline(texts[case]),
    }
    samples: dict[str, dict[str, dict[str, list[float]]]] = {
        kind: {case: {"cpu": [], "wall": [], "cpu_with_children": []} for case, _ in specs} for kind in kinds
    }
    for _ in range(arguments.runs):
        for case, spec in specs:
            for kind, action in kinds.items():
                cpu, wall, children = measure(lambda action=action: action(case, spec))  # type: ignore[misc]
                samples[kind][case]["cpu"].append(cpu)
                samples[kind][case]["wall"].append(wall)
                samples[kind][case]["cpu_with_children"].append(cpu + children)

    def median_ms(kind: str, clock: str) -> float:
        per_case = [statistics.median(values[clock]) for values in samples[kind].values()]
        return round(statistics.median(per_case) * 1000.0, 1)

    result: dict[str, Any] = {"machine": machine(), "runs": arguments.runs, "specs": len(specs), "shape": "declarative"}
    for kind in kinds:
        result[f"{kind}_cpu_ms"] = median_ms(kind, "cpu")
        result[f"{kind}_wall_ms"] = median_ms(kind, "wall")
        result[f"{kind}_cpu_with_children_ms"] = median_ms(kind, "cpu_with_children")
    result["ratio_to_baseline_cpu"] = round(result["package_cpu_ms"] / result["baseline_cpu_ms"], 2)
    result["nothing_kept_over_kept_cpu"] = round(result["package_nothing_kept_cpu_ms"] / result["package_cpu_ms"], 2)
    result["goal_ms"] = PACKAGE_GOAL_MS
    result["goal_met_cpu"] = result["package_cpu_ms"] < PACKAGE_GOAL_MS
    result["goal_met_wall"] = result["package_wall_ms"] < PACKAGE_GOAL_MS
    result["per_spec_cpu_ms"] = {
        case: round(statistics.median(values["cpu"]) * 1000.0, 1) for case, values in samples["package"].items()
    }
    print(f"{len(specs)} golden specs, declarative shape, {arguments.runs} runs, medians (per spec, then over specs):")
    print(f"{'':34s} {'CPU ms':>8s} {'wall ms':>8s} {'CPU + ruff':>11s}")
    for kind, label in (("package", "package (build+format+validate 1-5)"),
                        ("package_nothing_kept", "  the same, nothing kept between"),
                        ("baseline", "baseline (write + compile)")):
        print(f"{label:34s} {result[f'{kind}_cpu_ms']:8.1f} {result[f'{kind}_wall_ms']:8.1f} "
              f"{result[f'{kind}_cpu_with_children_ms']:11.1f}")
    print(f"package / baseline (CPU): {result['ratio_to_baseline_cpu']}x; "
          f"nothing kept / kept (CPU): {result['nothing_kept_over_kept_cpu']}x; "
          f"goal < {PACKAGE_GOAL_MS:.0f} ms: CPU {'met' if result['goal_met_cpu'] else 'not met'}, "
          f"wall {'met' if result['goal_met_wall'] else 'not met'}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
