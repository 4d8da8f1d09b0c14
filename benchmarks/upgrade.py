"""Upgrade throughput: files per second with -j1 and -j2 (benchmarks are not tests).

    .venv/bin/python -m benchmarks.upgrade

The corpus: the hand-written nodes of tests/upgrade/corpus (20 styles), each
copied 11 times under different class names — 220 files, so no run is served
from a cache filled by an identical file. Each configuration runs in a fresh
interpreter (cold formatting cache, codegen_ast already imported) three times;
the table shows the median. Wall time covers ``upgrade_files`` as the command
runs it: reading every file, upgrading it in memory (nothing is written), and for
-j2 starting the worker pool. The phases — parse (libcst), transform (inference,
pattern contributions, merging), format (black on the inserted code, rendering
the module), verify (compile + every statement kept) — are summed over files from
each upgrade's own timings; with -j2 they add up across both workers.
Writes benchmarks/results/upgrade.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.generation import machine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "upgrade" / "corpus"
COPIES = 11
RUNS = 3
PHASES = ("parse", "transform", "format", "verify")
_NODE_CLASS = re.compile(r"\bNode([A-Z]\w*?)(Effect|Compute|Reducer|Orchestrator)?\b(?=[(:\s=,.])")

_MEASURE = """
import json, sys, time
from codegen_ast.upgrade.files import upgrade_files
folder, jobs = sys.argv[1], int(sys.argv[2])
started = time.perf_counter()
results = upgrade_files([folder], jobs=jobs)
wall = time.perf_counter() - started
phases = {}
for item in results:
    for phase, seconds in item.result.seconds.items():
        phases[phase] = phases.get(phase, 0.0) + seconds
print(json.dumps({"wall": wall, "files": len(results), "changed": sum(i.changed for i in results),
                  "errors": sum(i.result.error is not None for i in results), "phases": phases}))
"""


def build_corpus(folder: Path) -> int:
    """COPIES renamed copies of every corpus input; returns the number of files."""
    count = 0
    for case in sorted(CORPUS.iterdir()):
        source = (case / "input.py").read_text(encoding="utf-8")
        for copy in range(COPIES):
            renamed = _NODE_CLASS.sub(lambda m: f"Node{m[1]}V{copy}{m[2] or ''}", source)
            (folder / f"node_{case.name}_{copy}.py").write_text(renamed, encoding="utf-8")
            count += 1
    return count


def measure(folder: Path, jobs: int) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder), str(jobs)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        files = build_corpus(folder)
        # other work on the machine slows -j2 first: the load average is part of the result
        report: dict[str, object] = {"machine": machine(), "files": files, "runs": RUNS}
        print(f"{files} files, {os.cpu_count()} CPUs, median of {RUNS} runs each")
        print(f"{'jobs':<6}{'wall (s)':>10}{'files/s':>10}" + "".join(f"{p + ' (s)':>15}" for p in PHASES))
        for jobs in (1, 2):
            runs = [measure(folder, jobs) for _ in range(RUNS)]
            run = sorted(runs, key=lambda r: float(r["wall"]))[RUNS // 2]  # type: ignore[arg-type]
            wall = float(run["wall"])  # type: ignore[arg-type]
            phases = {phase: round(float(run["phases"].get(phase, 0.0)), 3) for phase in PHASES}  # type: ignore[attr-defined]
            report[f"j{jobs}"] = {
                "wall_s": round(wall, 3),
                "files_per_s": round(files / wall, 1),
                "wall_s_all_runs": [round(float(r["wall"]), 3) for r in runs],  # type: ignore[arg-type]
                "phases_s": phases,
                "changed": run["changed"],
                "left_alone": run["errors"],
            }
            print(f"{jobs:<6}{wall:>10.2f}{files / wall:>10.1f}" + "".join(f"{phases[p]:>15.2f}" for p in PHASES))
        speedup = float(report["j1"]["wall_s"]) / float(report["j2"]["wall_s"])  # type: ignore[index]
        report["speedup_j2"] = round(speedup, 2)
        report["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
        print(f"-j2 speed-up: {speedup:.2f}x (load average before {report['machine']['load_average']}, "  # type: ignore[index]
              f"after {report['load_average_after']})")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "upgrade.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
