"""What type-checking costs: 24 packages in one mypy call against one package (benchmarks are not tests).

    .venv/bin/python -m benchmarks.typecheck            # ~2 minutes, mostly the cold runs

Generates the example spec (examples/orders_effect.yaml) under 24 different names
through codegen_ast.generate, then times the validator's stage 6
(``codegen_ast.validate.typecheck.check_types``: mypy --strict through mypy.api)
on 1 package and on all 24 in one call, with three caches:

- cold: an empty cache directory (mypy follows ~2,900 omnibase-core modules);
- warm framework: a cache that holds omnibase-core but not these packages (the
  case of freshly generated or edited packages, e.g. ``codegen-ast new --level strict``);
- warm: the same packages checked again with everything cached.

For contrast it also times the 24 packages checked one call each (warm). Every
measurement runs in a fresh Python process (so no run profits from modules another
one imported) and must report zero findings. Prints a table and writes
benchmarks/results/typecheck.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "typecheck.json"
PACKAGES = 24
WARM_REPEATS = 3


def write_packages(folder: Path) -> list[Path]:
    """The example package under PACKAGES + 1 names: node_orders00_effect ... node_orders24_effect.

    node_orders00_effect only warms caches up; the others are measured.
    """
    from codegen_ast.generate import generate
    from codegen_ast.readers import read_node_spec
    from codegen_ast.spec import NodeSpec

    data = read_node_spec(ROOT / "examples" / "orders_effect.yaml").model_dump()
    written = []
    for number in range(0, PACKAGES + 1):
        spec = NodeSpec.model_validate({**data, "name": f"orders{number:02d}"})
        written.append(generate(spec).write(folder))
    return written


def measure(packages: list[Path], cache: Path) -> float:
    """Seconds one fresh process spends in check_types on ``packages`` (one call)."""
    script = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from codegen_ast.validate.source import discover\n"
        "from codegen_ast.validate.target_env import TargetPython\n"
        "from codegen_ast.validate.typecheck import check_types\n"
        "arguments = json.loads(sys.argv[1])\n"
        "workspace = discover(arguments['packages'])\n"
        "target = TargetPython()\n"
        "started = time.perf_counter()\n"
        "findings = check_types(workspace, target, Path(arguments['cache']))\n"
        "elapsed = time.perf_counter() - started\n"
        "print(json.dumps({'seconds': elapsed, 'findings': len(findings), 'files': len(workspace.sources)}))\n"
    )
    argument = json.dumps({"packages": [str(p) for p in packages], "cache": str(cache)})
    result = subprocess.run(
        [sys.executable, "-c", script, argument], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if result.returncode != 0:
        raise SystemExit(f"measuring {argument} failed:\n{result.stderr[-3000:]}")
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if answer["findings"]:
        raise SystemExit(f"mypy reported {answer['findings']} findings on the generated packages")
    return float(answer["seconds"])


def three_caches(packages: list[Path], framework_cache: Path, workdir: Path, label: str) -> dict[str, float]:
    cache = workdir / f"cache-{label}"
    cold = measure(packages, cache)
    warm = statistics.median(measure(packages, cache) for _ in range(WARM_REPEATS))
    framework = []
    for repeat in range(WARM_REPEATS):
        copy = workdir / f"cache-{label}-framework-{repeat}"
        shutil.copytree(framework_cache, copy)
        framework.append(measure(packages, copy))
    return {
        "cold_s": round(cold, 2),
        "warm_framework_s": round(statistics.median(framework), 2),
        "warm_s": round(warm, 2),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="typecheck-bench-") as temp:
        workdir = Path(temp)
        warmup, *packages = write_packages(workdir / "packages")
        files_per_package = len(list(packages[0].rglob("*.py")))
        framework_cache = workdir / "cache-framework"
        measure([warmup], framework_cache)  # omnibase-core cached, none of the measured packages
        one = three_caches(packages[:1], framework_cache, workdir, "one")
        many = three_caches(packages, framework_cache, workdir, "many")
        separate_cache = workdir / "cache-separate"
        shutil.copytree(framework_cache, separate_cache)
        for package in packages:  # first sight of each package, then the timed warm pass
            measure([package], separate_cache)
        separate_warm = sum(measure([package], separate_cache) for package in packages)
    ratio = {
        key.removesuffix("_s"): round(many[key] / one[key], 2) for key in ("cold_s", "warm_framework_s", "warm_s")
    }
    print(f"{'':<22} {'cold s':>8} {'warm framework s':>17} {'warm s':>8}")
    for label, row in (("1 package, 1 call", one), (f"{PACKAGES} packages, 1 call", many)):
        print(f"{label:<22} {row['cold_s']:>8.2f} {row['warm_framework_s']:>17.2f} {row['warm_s']:>8.2f}")
    print(f"{'ratio 24 / 1':<22} {ratio['cold']:>7.2f}x {ratio['warm_framework']:>16.2f}x {ratio['warm']:>7.2f}x")
    print(f"{PACKAGES} packages, {PACKAGES} calls, warm (sum): {separate_warm:.2f} s")
    result = {
        "benchmark": "typecheck",
        "what": "codegen_ast.validate.typecheck.check_types (mypy --strict via mypy.api) on copies of "
        "the example package, each measurement in a fresh process",
        "packages": PACKAGES,
        "files_per_package": files_per_package,
        "one_package": one,
        "all_packages_one_call": many,
        "ratio_24_to_1": ratio,
        "all_packages_one_call_each_warm_s": round(separate_warm, 2),
        "caches": {
            "cold": "empty cache directory",
            "warm_framework": "cache holds omnibase-core, not the measured packages (median of repeats)",
            "warm": "same packages re-checked, everything cached (median of repeats)",
        },
        "warm_repeats_median_of": WARM_REPEATS,
        "environment": {
            "python": platform.python_version(),
            "mypy": version("mypy"),
            "omnibase_core": version("omnibase-core"),
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "date": time.strftime("%Y-%m-%d"),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
