"""How much code the 8 examples make when generated into one folder, and how much of it repeats.

    .venv/bin/python -m benchmarks.proportion                  # measure, compare with the recorded before
    .venv/bin/python -m benchmarks.proportion --record-before  # (re)write benchmarks/proportion_before.json

Generates ``examples/*.yaml`` with ``codegen-ast new`` (level none) into one empty
folder and counts, per package and in total:

- ``lines``: every line of the package's text files (Python, YAML, SQL), its
  generated tests excepted (``tests/``); ``test_lines`` counts those apart;
- ``node_py``: the lines of ``node.py``;
- ``repeated``: the measure of docs/declarative-shape.md: a line of Python code
  (not blank, not a comment, not part of an import statement, not punctuation
  alone such as ``)``), stripped of its indentation, that stands in two or more
  packages; every occurrence is counted (tests excepted, like ``lines``; YAML and
  SQL are data, which ``duplicates`` does not count either);
- ``duplicates``: what the ``duplicates`` command reports over the folder (pairs of
  places sharing 6 or more lines), keeping the pairs between two different
  packages, and the lines the listed runs cover.

Shared code written once per folder (``onex_support/``) is counted apart
(``support_lines``): it is not repeated per package. Goals (issue 15, point 5):
repeated lines at most 10% of the recorded before, every ``node.py`` under 40 lines.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BEFORE = ROOT / "benchmarks" / "proportion_before.json"
RESULTS = ROOT / "benchmarks" / "results"
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".sql"}
SUPPORT = "onex_support"
NODE_PY_GOAL = 40
REPEATED_GOAL = 0.10
ROW = re.compile(r"^D\d+ (\S+):(\d+)-(\d+) ~ (\S+):(\d+)-(\d+)")


def generate(folder: Path, options: list[str]) -> str:
    """Write every example into ``folder`` with the command line, as a user would;
    what it said when a spec failed (the others are still measured), else ''."""
    specs = sorted(str(path) for path in EXAMPLES.glob("*.yaml"))
    command = [sys.executable, "-m", "codegen_ast", "new", *specs, "-o", str(folder), "--level", "none", "-q", *options]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    said = (completed.stdout + completed.stderr).strip()
    if completed.returncode != 0 and not any(folder.glob("node_*")):
        raise SystemExit(f"codegen-ast new failed ({completed.returncode}):\n{said}")
    return said if completed.returncode != 0 else ""


def text_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES)


def is_test(package: Path, path: Path) -> bool:
    return "tests" in path.relative_to(package).parts


def counted(line: str) -> str | None:
    """The line as the repeated-line measure sees it, or None when it does not count."""
    text = line.strip()
    if not text or text.startswith("#") or not any(character.isalnum() for character in text):
        return None
    return text


def code_lines(path: Path) -> list[str]:
    """The lines of a Python file, those of its import statements blanked."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                lines[number - 1] = ""
    return lines


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def repeated_lines(packages: list[Path]) -> tuple[int, dict[str, int]]:
    """Occurrences of lines found in two or more packages (in total and per package)."""
    where: dict[str, Counter[str]] = {}
    for package in packages:
        for path in text_files(package):
            if is_test(package, path) or path.suffix != ".py":
                continue
            for line in code_lines(path):
                text = counted(line)
                if text is not None:
                    where.setdefault(text, Counter())[package.name] += 1
    per_package: Counter[str] = Counter()
    for places in where.values():
        if len(places) >= 2:
            per_package.update(places)
    return sum(per_package.values()), dict(per_package)


def duplicate_pairs(folder: Path) -> dict[str, Any]:
    """The ``duplicates`` command over the folder: pairs between two packages, lines they cover."""
    if shutil.which("duplicates") is None:
        return {"available": False}
    completed = subprocess.run(
        ["duplicates", "--repo", str(folder), "--most", "200", "--seconds", "120"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = completed.stdout.splitlines()
    covered: dict[str, set[int]] = {}
    pairs = 0
    for row in lines:
        match = ROW.match(row)
        if match is None:
            continue
        left, right = match.group(1), match.group(4)
        if left.split("/")[0] == right.split("/")[0]:
            continue
        pairs += 1
        for name, start, end in ((left, match.group(2), match.group(3)), (right, match.group(5), match.group(6))):
            covered.setdefault(name, set()).update(range(int(start), int(end) + 1))
    return {
        "available": True,
        "summary": lines[0] if lines else "",
        "pairs_across_packages": pairs,
        "lines_in_listed_runs": sum(len(numbers) for numbers in covered.values()),
        "cut": any(row.startswith("(+") and "more pairs" in row for row in lines),
    }


def measure(folder: Path) -> dict[str, Any]:
    packages = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.startswith("node_"))
    rows: dict[str, dict[str, int]] = {}
    for package in packages:
        files = text_files(package)
        rows[package.name] = {
            "lines": sum(line_count(p) for p in files if not is_test(package, p)),
            "test_lines": sum(line_count(p) for p in files if is_test(package, p)),
            "node_py": line_count(package / "node.py") if (package / "node.py").is_file() else 0,
        }
    repeated, per_package = repeated_lines(packages)
    for name, row in rows.items():
        row["repeated"] = per_package.get(name, 0)
    support = folder / SUPPORT
    return {
        "packages": rows,
        "total": {
            "packages": len(rows),
            "lines": sum(row["lines"] for row in rows.values()),
            "test_lines": sum(row["test_lines"] for row in rows.values()),
            "node_py": sum(row["node_py"] for row in rows.values()),
            "node_py_max": max((row["node_py"] for row in rows.values()), default=0),
            "node_py_min": min((row["node_py"] for row in rows.values()), default=0),
            "repeated": repeated,
            "support_lines": sum(line_count(p) for p in text_files(support)) if support.is_dir() else 0,
        },
        "duplicates": duplicate_pairs(folder),
    }


def goals(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "node_py_under_40": all(row["node_py"] < NODE_PY_GOAL for row in now["packages"].values()),
    }
    if before is not None:
        share = now["total"]["repeated"] / max(before["total"]["repeated"], 1)
        result["repeated_share_of_before"] = round(share, 4)
        result["repeated_at_most_10_percent"] = share <= REPEATED_GOAL
    return result


def table(now: dict[str, Any], before: dict[str, Any] | None) -> str:
    header = f"{'package':<34} {'lines':>7} {'node.py':>8} {'repeated':>9} {'tests':>7}"
    out = [header, "-" * len(header)]
    for name, row in now["packages"].items():
        out.append(f"{name:<34} {row['lines']:>7} {row['node_py']:>8} {row['repeated']:>9} {row['test_lines']:>7}")
    total = now["total"]
    out.append(f"{'total (' + str(total['packages']) + ' packages)':<34} {total['lines']:>7} {total['node_py']:>8} "
               f"{total['repeated']:>9} {total['test_lines']:>7}")
    out.append(f"onex_support (once per folder): {total['support_lines']} lines")
    dup = now["duplicates"]
    if dup.get("available"):
        out.append(f"duplicates: {dup['pairs_across_packages']} pairs across packages, "
                   f"{dup['lines_in_listed_runs']} lines in their runs ({dup['summary']})")
    if before is not None:
        b = before["total"]
        out.append(f"before: {b['lines']} lines, node.py {b['node_py']}, repeated {b['repeated']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.proportion", description=__doc__.split("\n")[0])
    parser.add_argument("--record-before", action="store_true", help=f"write the figures to {BEFORE.name}")
    parser.add_argument("--keep", type=Path, help="generate into this (empty or absent) folder and keep it")
    parser.add_argument("--shape", help="passed to `codegen-ast new --shape` (default: the command's own)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="proportion-") as scratch:
        folder = arguments.keep or Path(scratch) / "out"
        if folder.exists() and any(folder.iterdir()):
            raise SystemExit(f"{folder} is not empty")
        failures = generate(folder, ["--shape", arguments.shape] if arguments.shape else [])
        now = measure(folder)
        now["failures"] = failures
    before = None if arguments.record_before or not BEFORE.is_file() else json.loads(BEFORE.read_text("utf-8"))
    now["goals"] = goals(now, before)
    print(table(now, before))
    if failures:
        print(f"some specs failed, measured without them:\n{failures}")
    print(json.dumps(now["goals"]))
    if arguments.record_before:
        BEFORE.write_text(json.dumps(now, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {BEFORE.relative_to(ROOT)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "proportion.json").write_text(json.dumps({"before": before, "now": now}, indent=2) + "\n", "utf-8")
    print(f"wrote {(RESULTS / 'proportion.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
