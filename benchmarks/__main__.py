"""Run every benchmark, print one table, write benchmarks/results/all.json (benchmarks are not tests).

    .venv/bin/python -m benchmarks                 # all of them, ~15 minutes
    .venv/bin/python -m benchmarks --quick         # generation with fewer runs, noisier
    .venv/bin/python -m benchmarks --only selection,generation
    .venv/bin/python -m benchmarks --table         # rewrite README.md's summary table from results/*.json

Each benchmark runs as ``python -m benchmarks.<name>`` in its own process (so none
inherits another's imports, caches or garbage), prints its own tables and writes
benchmarks/results/<name>.json; this command then collects those files into
results/all.json and writes the summary table of benchmarks/README.md from it. ``upgrade``
runs only when benchmarks/upgrade.py exists. Generation and jinja_declarative (their
Jinja2 + black baselines) need the ``bench`` extra:
``.venv/bin/pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.generation import machine

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
RESULTS = HERE / "results"
ORDER = ("selection", "generation", "declarative", "jinja_declarative", "typecheck", "upgrade", "proportion", "scaling", "reader_fuzz", "contract_corpus")
README = HERE / "README.md"
BEGIN, END = "<!-- summary table: python -m benchmarks -->", "<!-- end of the summary table -->"


def run_one(name: str, arguments: list[str]) -> dict[str, Any]:
    """Run ``python -m benchmarks.<name>`` and collect results/<name>.json."""
    if not (HERE / f"{name}.py").is_file():
        return {"status": "not available (no benchmarks/%s.py)" % name}
    output = RESULTS / f"{name}.json"
    before = output.stat().st_mtime if output.exists() else None
    print(f"\n=== {name} " + "=" * (60 - len(name)), flush=True)
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *arguments], cwd=ROOT, check=False)
    seconds = round(time.perf_counter() - started, 1)
    if completed.returncode != 0:
        return {"status": f"failed (exit {completed.returncode})", "seconds": seconds}
    if not output.exists() or output.stat().st_mtime == before:
        return {"status": f"ran, but wrote no {output.relative_to(ROOT)}", "seconds": seconds}
    return {"status": "ok", "seconds": seconds, "result": json.loads(output.read_text(encoding="utf-8"))}


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _flat(data: Any, prefix: str = "", depth: int = 2) -> list[tuple[str, Any]]:
    """Numeric leaves of a result, for benchmarks whose schema this command does not know."""
    rows: list[tuple[str, Any]] = []
    if isinstance(data, dict) and depth >= 0:
        for key, value in data.items():
            rows += _flat(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}", depth - 1)
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        rows.append((prefix, data))
    return rows


def summary_rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(benchmark, measure, value, goal) for the table."""
    rows: list[tuple[str, str, str, str]] = []
    for name, entry in results.items():
        data = entry.get("result")
        if data is None:
            rows.append((name, "-", entry["status"], ""))
            continue
        if name == "selection":
            rows.append((name, "median select()", f"{data['median_select_us']:.1f} us", "< 20 us"))
        elif name == "generation":
            if "summary" in data:  # not when only the command line was measured (--command-line-only)
                summary = data["summary"]
                where = data["where_time_goes"]
                rows += [
                    (name, "package: build+format+validate(1-5), median", f"{summary['median_package_ms']:.0f} ms", "< 50 ms"),
                    (name, "  of which generate (build+format)", f"{statistics_median(data, 'generate_ms'):.0f} ms", ""),
                    (name, "  of which validate (stages 1-5)", f"{statistics_median(data, 'validate_ms'):.0f} ms", ""),
                    (name, "node.py ours / Jinja2+black, median of identical texts", f"{summary['median_node_ratio']:.2f}x",
                     f"<= {summary.get('node_ratio_goal', 1.0)}x"),
                    (name, "node.py texts identical", summary["node_py_identical"], "all"),
                    (name, "selection (inside generation)", f"{summary['selection_us']:.1f} us", "< 20 us"),
                ]
                for key in sorted(where, key=lambda k: -where[k])[:4]:
                    rows.append((name, f"  time: {key}", f"{where[key]:.1f} ms", ""))
                memory = data["memory"]
                rows.append(
                    (name, f"peak RSS, {memory['packages']} packages, 1 process", f"{memory['peak_rss_mib']:.0f} MiB", "")
                )
            cli = data.get("command_line", {})
            if cli:
                cold = cli.get("new_level_standard_import_cold_ms")
                edited = cli.get("new_level_standard_edited_ms")
                rows += [
                    (name, "codegen-ast new (level standard), wall, the same spec again",
                     f"{cli['new_level_standard_ms'] / 1000:.2f} s", "< 1 s"),
                    *([(name, "  the same, import check cold (an edited spec)", f"{cold / 1000:.2f} s", "< 1 s")]
                      if cold is not None else []),
                    *([(name, "  the same, the spec really edited (contract checks cold too)",
                        f"{edited / 1000:.2f} s", "< 1 s")] if edited is not None else []),
                    (name, "  of which importing the CLI", f"{cli['import_cli_ms'] / 1000:.2f} s", ""),
                    (name, "codegen-ast new --level strict, warm mypy cache", f"{cli['new_level_strict_warm_ms'] / 1000:.2f} s", "< 2 s"),
                    (name, "codegen-ast new --level strict, first run (cold if the user's mypy cache was)",
                     f"{cli['new_level_strict_cold_ms'] / 1000:.1f} s", ""),
                ]
        elif name == "declarative" and "package_cpu_ms" in data:
            rows += [
                (name, "declarative package: build+format+validate(1-5), median CPU",
                 f"{data['package_cpu_ms']:.1f} ms", "< 50 ms"),
                (name, "  the same, wall", f"{data['package_wall_ms']:.1f} ms", "< 50 ms"),
                *([(name, "  the same, CPU with ruff format's (a child process)",
                    f"{data['package_cpu_with_children_ms']:.1f} ms", "")] if "package_cpu_with_children_ms" in data else []),
                (name, "  / baseline (write + compile the same files), CPU",
                 f"{data['ratio_to_baseline_cpu']:.2f}x ({data['baseline_cpu_ms']:.1f} ms)", ""),
                (name, "  nothing kept between packages / kept, CPU",
                 f"{data['nothing_kept_over_kept_cpu']:.2f}x ({data['package_nothing_kept_cpu_ms']:.1f} ms)", ""),
            ]
        elif name == "jinja_declarative" and "summary" in data:
            summary = data["summary"]
            ratio = (f"{summary['median_ratio_cpu']:.2f}x (wall {summary['median_ratio_wall']:.2f}x)"
                     if summary["all_identical"] else "refused: texts differ")
            rows += [
                (name, "declarative node.py + handlers, ours / Jinja2+black, median over goldens, CPU", ratio,
                 f"<= {summary['ratio_goal']}x"),
                (name, "  texts identical", summary["identical_texts"], "all"),
            ]
            for kind, row in data["per_kind"].items():
                if row["ratio_cpu"] is not None:
                    rows.append((name, f"  {kind} ({row['files_in_goldens']} files), ruff call shared by lines",
                                 f"{row['ratio_cpu']:.2f}x", ""))
        elif name == "typecheck" and _get(data, "ratio_24_to_1") is not None:
            for label, key in (("1 package", "one_package"), ("24 packages, 1 call", "all_packages_one_call")):
                row = data.get(key, {})
                rows.append(
                    (
                        name,
                        f"{label}: cold / warm framework / warm",
                        " / ".join(f"{row.get(k, float('nan')):.2f}" for k in ("cold_s", "warm_framework_s", "warm_s"))
                        + " s",
                        "",
                    )
                )
            ratio = data["ratio_24_to_1"]
            rows.append((name, "ratio 24 / 1, cold / warm", f"{ratio.get('cold')}x / {ratio.get('warm')}x", "<= ~2x"))
            for key, value in _flat(data):
                if "strict" in key or "new" in key:
                    rows.append((name, key, f"{value}", "< 2 s warm" if "warm" in key else ""))
        elif name == "upgrade" and _get(data, "j1", "files_per_s") is not None:
            for jobs in ("j1", "j2"):
                row = data.get(jobs, {})
                phases = ", ".join(f"{k} {v:.2f}" for k, v in row.get("phases_s", {}).items())
                rows.append(
                    (name, f"-{jobs}: {data.get('files', '?')} files, phases (s): {phases}", f"{row.get('files_per_s')} files/s", "")
                )
            if "speedup_j2" in data:
                rows.append((name, "speed-up -j2 over -j1", f"{data['speedup_j2']}x", ""))
        elif name == "scaling" and "spec_size" in data:
            from benchmarks.scaling import complexity

            series = [("spec_size", "operations per spec, fields in proportion"),
                      ("spec_size_fixed_fields", "operations per spec, fields fixed"),
                      ("packages", "packages per `new` call")]
            for key, label in series:
                if key not in data:
                    continue
                points = ", ".join(f"{p['n']}: {p['cpu_s']} s, {p['peak_mib']} MiB" for p in data[key])
                verdicts = [f"{complexity(data[key])['verdict']} in N"]
                if key.startswith("spec_size"):
                    verdicts.append(f"{complexity(data[key], 'lines')['verdict']} in generated lines")
                rows.append((name, f"{label}, CPU and peak memory ({points})", "; ".join(verdicts), "linear"))
            for jobs, points in data["upgrade"].items():
                shown = ", ".join(f"{p['n']}: {p['wall_s']} s" for p in points)
                rows.append((name, f"upgrade -{jobs}, wall ({shown})", complexity(points)["verdict"], "linear"))
        elif name == "reader_fuzz" and "examples" in data:
            rows.append((name, f"mutated specs/contracts read: {data['read to a NodeSpec']} specs, "
                         f"{data['clean error']} clean errors", f"{data['failed']} crashes / {data['examples']}",
                         "0 crashes, >= 10,000"))
        elif name == "proportion":
            now, before = data["now"]["total"], (data.get("before") or {}).get("total", {})
            for key, label in (("lines", "package lines"), ("node_py", "node.py lines"), ("repeated", "repeated lines")):
                was = f" (before {before[key]})" if key in before else ""
                rows.append((name, f"8 examples, {label}{was}", f"{now[key]}", ""))
            goals = data["now"]["goals"]
            rows.append((name, "repeated / before", f"{goals.get('repeated_share_of_before', '-')}", "<= 0.10"))
            rows.append((name, "every node.py under 40 lines", f"{goals['node_py_under_40']}", "True"))
        else:
            for key, value in _flat(data)[:12]:
                rows.append((name, key, f"{value}", ""))
        if entry.get("seconds") is not None:
            rows.append((name, "(benchmark wall time)", f"{entry['seconds']:.0f} s", ""))
    return rows


def statistics_median(data: dict[str, Any], key: str) -> float:
    return statistics.median(row[key] for row in data["packages"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(ORDER), help="comma-separated: " + ", ".join(ORDER))
    parser.add_argument("--quick", action="store_true", help="generation with 5 runs and 30 packages for memory")
    parser.add_argument("--table", action="store_true",
                        help="run nothing: rewrite README.md's summary table from the results/<name>.json there are")
    arguments = parser.parse_args(argv)
    if arguments.table:
        saved = {name: {"status": "ok", "result": json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))}
                 for name in ORDER if (RESULTS / f"{name}.json").is_file()}
        write_readme(summary_rows(saved), machine())
        return
    chosen = [name for name in ORDER if name in arguments.only.split(",")]
    extra = {"generation": ["--runs", "5", "--memory-packages", "30"], "declarative": ["--runs", "3"],
             "jinja_declarative": ["--runs", "5"],
             "scaling": ["--quick"],
             "reader_fuzz": ["--examples", "1000"]} if arguments.quick else {}
    results = {name: run_one(name, extra.get(name, [])) for name in chosen}
    rows = summary_rows(results)
    widths = [max(len(row[i]) for row in rows + [("benchmark", "measure", "value", "goal")]) for i in range(4)]
    print("\n=== all benchmarks " + "=" * 48)
    print(f"{'benchmark':<{widths[0]}}  {'measure':<{widths[1]}}  {'value':>{widths[2]}}  goal")
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    info = machine()
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}, Python {info['python']}, load average {info['load_average']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "all.json").write_text(
        json.dumps({"machine": info, "quick": arguments.quick, "benchmarks": results}, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {(RESULTS / 'all.json').relative_to(ROOT)}")
    write_readme(rows, info)


def write_readme(rows: list[tuple[str, str, str, str]], info: dict[str, Any]) -> None:
    """The summary table of benchmarks/README.md, between its markers, from these rows."""
    lines = [BEGIN, f"Run {info['date']}, {info['nproc']} CPUs, Python {info['python']}, load average "
             f"{info['load_average']} (written by `python -m benchmarks`; `--table` rewrites it from the "
             "results/<name>.json files, each dated inside).", "",
             "| benchmark | measure | value | goal |", "|---|---|---:|---|"]
    lines += [f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |" for row in rows]
    text = README.read_text(encoding="utf-8")
    table = "\n".join([*lines, END])
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + table + text[text.index(END) + len(END):]
    else:
        heading = "## All of them: one command\n"
        text = text.replace(heading, heading + "\n" + table + "\n", 1)
    README.write_text(text, encoding="utf-8")
    print(f"wrote the summary table of {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
