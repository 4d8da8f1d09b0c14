"""The reliability table of docs/reliability.md: every probe, its count, its outcome.

    .venv/bin/python -m benchmarks.reliability            # all probes (~5 minutes), rewrites the table
    .venv/bin/python -m benchmarks.reliability --quick    # fewer kills and races
    .venv/bin/python -m benchmarks.reliability --only fuzz   # rerun one group, keep the other rows

Probes: hostile input through the real command line (benchmarks/hostile.py,
with time and peak memory against the 5 s / 200 MB goal), killed and concurrent
writers (benchmarks/writes.py), mutated specs and contracts of every dialect
(benchmarks/reader_fuzz.py, 10,000 examples), OS errors on the output folder, a batch with
failing specs, names that shadow types, and the test modules that send a secret
through every generated error path and upgrade files in other encodings. The
table between the markers of docs/reliability.md is replaced; the rest of the
page is prose kept by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks import hostile, writes
from benchmarks.generation import machine

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- reliability table: benchmarks/reliability.py -->", "<!-- end of the reliability table -->"
EXAMPLE = ROOT / "examples" / "orders_effect.yaml"


@dataclass
class Row:
    probe: str
    count: int
    outcome: str
    ok: bool
    measure: str = ""


def _cli(arguments: list[str], cwd: Path, prelude: str = "") -> tuple[int, str]:
    """Run codegen-ast (after ``prelude``, Python run first in the same process); exit code and output."""
    launcher = prelude + "\nimport runpy, sys\nsys.argv[0] = 'codegen-ast'\nrunpy.run_module('codegen_ast', run_name='__main__')\n"
    done = subprocess.run([sys.executable, "-c", launcher, *arguments], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)
    return done.returncode, done.stdout + done.stderr


def _clean_exit_2(code: int, output: str, expect: str) -> tuple[bool, str]:
    ok = code == 2 and expect in output and "Traceback" not in output
    lines = output.splitlines()
    first = next((line for line in lines if line.startswith(("error:", "Error:"))), lines[0] if lines else "")
    if len(first) > 150:
        first = first[:60] + " ... " + first[-85:]
    return ok, f"exit {code}: `{first}`"


def hostile_rows(quick: bool) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="codegen-ast-reliability-") as temporary:
        for probe in hostile.PROBES:
            result = hostile.run_probe(probe, Path(temporary), baseline=not quick)
            valid = "" if result.baseline_seconds is None else (
                f"; valid input: {result.baseline_cpu_seconds} s CPU, {result.baseline_seconds} s wall, "
                f"{result.baseline_peak_mib} MiB")
            rows.append(Row(probe.name, 1, f"exit {result.exit_code}, `{result.answer[:90]}`",
                            result.ok and result.within_limits,
                            f"{result.cpu_seconds} s CPU, {result.seconds} s wall, {result.peak_mib} MiB{valid}"))
    return rows


def write_rows(quick: bool) -> list[Row]:
    kills = 60 if quick else 400
    races = 6 if quick else 30
    done = subprocess.run([sys.executable, "-m", "benchmarks.writes", "--kills", str(kills), "--races", str(races),
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    result = json.loads(done.stdout)
    rows = []
    for key in ("kill_exchange", "kill_two_renames"):
        part = result[key]
        states = ", ".join(f"{state} {count}" for state, count in sorted(part["state_right_after_kill"].items()))
        steps = ", ".join(f"{step} {count}" for step, count in sorted(part["writer_last_step"].items()))
        recovered = ", ".join(f"{what} {count}" for what, count in sorted(part["next_run_recovery"].items()))
        rows.append(Row(
            f"writer killed (SIGKILL) at a random moment, {part['mode']}", part["trials"],
            f"right after: {states}; after the next run: complete, nothing left over "
            f"({len(part['failures'])} failures); next run: {recovered}",
            not part["failures"], f"killed while: {steps}",
        ))
    race = result["race"]
    outcomes = ", ".join(f"{what} {count}" for what, count in race["outcomes"].items())
    rows.append(Row("two writers of one new package at once, no --force", race["trials"], outcomes, not race["failures"]))
    return rows


def _read_only(folder: Path) -> str:
    folder.chmod(0o555)
    probe = folder / "probe"
    try:
        probe.touch()
    except OSError:
        return "permissions"
    probe.unlink()
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        return "chattr +i"
    return ""


def os_error_rows() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="codegen-ast-oserrors-") as temporary:
        work = Path(temporary)
        (work / "afile").write_text("")
        new = ["new", str(EXAMPLE), "--level", "none", "-o"]
        cases: list[tuple[str, list[str], str, str]] = [
            ("`-o` is a file (click refuses it)", [*new, str(work / "afile")], "is a file", ""),
            ("`-o file/sub`", [*new, str(work / "afile" / "sub")], "Not a directory", ""),
            ("a 300-character `-o` folder name (ENAMETOOLONG)", [*new, str(work / ("d" * 300))], "File name too long", ""),
            ("full disk (simulated: every write after the third fails with ENOSPC)", [*new, str(work / "full")],
             "No space left on device",
             "import errno, os, pathlib\n_w = pathlib.Path.write_text\n_n = [0]\n"
             "def _full(self, *a, **k):\n    _n[0] += 1\n    if _n[0] > 3: raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))\n"
             "    return _w(self, *a, **k)\npathlib.Path.write_text = _full\n"),
        ]
        read_only = work / "read-only"
        read_only.mkdir()
        how = _read_only(read_only)
        if how:
            cases.append((f"read-only `-o` ({how})", [*new, str(read_only)], "cannot write", ""))
        link = work / "link"
        link.symlink_to(work / "afile-target", target_is_directory=True)
        (work / "afile-target").mkdir()
        cases.append(("`-o` is a symbolic link", [*new, str(link)], "pass --follow-symlinks", ""))
        for name, arguments, expect, prelude in cases:
            ok, outcome = _clean_exit_2(*_cli(arguments, work, prelude), expect)
            rows.append(Row(name, 1, outcome, ok))
        code, output = _cli([*new, str(link), "--follow-symlinks"], work)
        rows.append(Row("`-o` is a symbolic link, with --follow-symlinks", 1, f"exit {code}, written where it points",
                        code == 0 and (work / "afile-target" / "node_orders_effect" / "node.py").is_file()))
        if how:
            subprocess.run(["chattr", "-i", str(read_only)], capture_output=True)
        read_only.chmod(0o755)
    return rows


SHADOWING = """name: shadow
node_type: effect
description: Fields named like the types they use.
operations: [get_a1]
input_fields:
  - {name: date, type: date, description: The day.}
  - {name: str, type: str, required: false}
  - {name: int, type: int, description: A count.}
  - {name: datetime, type: datetime, required: false}
  - {name: list, type: "list[str]"}
  - {name: note, type: str}
output_fields:
  - {name: date, type: date | None}
"""
COLLIDING = "name: clash\nnode_type: effect\ndescription: Clash.\noperations: [get_a1, get_a_1]\n"
DATABASE_TOTAL = ("name: ledger\nnode_type: effect\ndescription: Ledger.\ndatabase: {table: ledger, key: entry_id}\n"
                  "operations: [create_entry]\ninput_fields:\n  - {name: entry_id, type: str}\n  - {name: total, type: float}\n")


def generation_rows() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="codegen-ast-generation-") as temporary:
        work = Path(temporary)
        for name, text in (("shadow.yaml", SHADOWING), ("clash.yaml", COLLIDING), ("ledger.yaml", DATABASE_TOTAL)):
            (work / name).write_text(text, encoding="utf-8")
        code, output = _cli(["new", "shadow.yaml", "-o", "out"], work)
        imported = subprocess.run([sys.executable, "-c", "import node_shadow_effect"], cwd=work / "out",
                                  capture_output=True, text=True, check=False)
        rows.append(Row("fields named `date`, `str`, `int`, `datetime`, `list` (default level)", 1,
                        f"exit {code}; the written package imports: {imported.returncode == 0}",
                        code == 0 and imported.returncode == 0))
        code, output = _cli(["new", "clash.yaml", "ledger.yaml", str(EXAMPLE), "-o", "batch"], work)
        written = sorted(path.name for path in (work / "batch").iterdir() if not path.name.startswith("."))
        ok = code == 2 and "both become the handler class HandlerGetA1" in output and "would replace the field 'total'" \
            in output and written == ["node_orders_effect"] and "Traceback" not in output
        rows.append(Row("a batch: operations `get_a1` + `get_a_1`, a database field `total`, a valid spec", 1,
                        f"exit {code}; both refusals name both sources; written: {', '.join(written)}", ok))
    return rows


def _pytest(module: str) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", module], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800, check=False)
    passed = int(match.group(1)) if (match := re.search(r"(\d+) passed", done.stdout)) else 0
    failed = int(match.group(1)) if (match := re.search(r"(\d+) failed", done.stdout)) else 0
    return passed, failed + (1 if done.returncode not in (0, 1) else 0)


def test_rows() -> list[Row]:
    rows = []
    for probe, module, outcome in (
        ("a secret through every generated error path (HTTP 404/503/timeout/refused/not JSON/wrong type/too long, "
         "invalid input, a failing handler, no row, a duplicate key, a bad event, a failing event)",
         "tests/test_secrets_in_logs.py", "the secret in no log record, stdout or stderr"),
        ("upgrade of files with a BOM, a latin-1 coding line, CRLF endings, behind a symbolic link",
         "tests/upgrade/test_upgrade_encodings.py", "written back in their encoding and line endings; the link kept"),
    ):
        passed, failed = _pytest(module)
        rows.append(Row(probe, passed + failed, f"{passed} passed, {failed} failed: {outcome}", failed == 0 and passed > 0))
    return rows


def fuzz_rows(quick: bool) -> list[Row]:
    """benchmarks/reader_fuzz.py in its own process: mutated specs and contracts of every dialect, read."""
    examples = 1_000 if quick else 10_000
    subprocess.run([sys.executable, "-m", "benchmarks.reader_fuzz", "--examples", str(examples)], cwd=ROOT,
                   capture_output=True, text=True, timeout=7200, check=False)
    result = json.loads((ROOT / "benchmarks" / "results" / "reader_fuzz.json").read_text(encoding="utf-8"))
    cli = ", ".join(f"{key.removeprefix('cli ')} {value}" for key, value in sorted(result["through the CLI"].items()))
    dialects = ", ".join(f"{key} {value}" for key, value in sorted(result["NodeSpecs by dialect"].items()))
    failures = "; ".join(failure["error"][:80] for failure in result["failures"][:3])
    return [Row(
        f"mutated specs and contracts, every dialect (hypothesis: keys, types, values, YAML structure, unicode, "
        f"bytes not UTF-8, deep and huge input; {result['seeds']} seeds): read",
        result["examples"],
        f"{result['read to a NodeSpec']} read to a NodeSpec ({dialects}), {result['clean error']} clean errors naming "
        f"the file, {result['failed']} tracebacks or hangs{': ' + failures if failures else ''}; "
        f"through `explain`: exit {cli}",
        result["failed"] == 0,
        f"slowest read {result['slowest read s']} s; {result['seconds']} s in all ({result['date']})",
    )]


def _splice(table: str, old: str) -> str:
    """The rows of ``table`` put in place of the rows of the same probe in ``old`` (the others kept)."""
    fresh = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| probe |")]
    kept = old.splitlines()
    for line in fresh:
        probe = line.split(" | ")[0]
        at = next((index for index, kept_line in enumerate(kept) if kept_line.split(" | ")[0] == probe), None)
        if at is None:
            at = max(index for index, kept_line in enumerate(kept) if kept_line.startswith("| ")) + 1
            kept.insert(at, line)
        else:
            kept[at] = line
    return "\n".join(kept)


def render(rows: list[Row], info: dict[str, object]) -> str:
    lines = [
        BEGIN,
        f"Run {info['date']} on {info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"load average {info['load_average']}.",
        "",
        "| probe | count | outcome | measured |",
        "|---|---:|---|---|",
    ]
    for row in rows:
        mark = "" if row.ok else " **(not as required)**"
        lines.append(f"| {row.probe} | {row.count} | {row.outcome}{mark} | {row.measure} |")
    return "\n".join([*lines, END])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reliability", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 kills and 6 races; no valid-input baselines")
    parser.add_argument("--no-write", action="store_true", help="print the table; leave docs/reliability.md alone")
    parser.add_argument("--only", default="", help="comma-separated groups (hostile, writes, oserrors, generation, "
                        "tests, fuzz): rerun these and replace their rows, keeping the others' rows")
    arguments = parser.parse_args(argv)
    producers: dict[str, Callable[[], list[Row]]] = {
        "hostile": lambda: hostile_rows(arguments.quick), "writes": lambda: write_rows(arguments.quick),
        "oserrors": os_error_rows, "generation": generation_rows, "tests": test_rows,
        "fuzz": lambda: fuzz_rows(arguments.quick),
    }
    chosen = [name for name in arguments.only.split(",") if name] or list(producers)
    rows = [row for name in chosen for row in producers[name]()]
    table = render(rows, machine())
    print(table)
    if not arguments.no_write:
        text = DOC.read_text(encoding="utf-8")
        start, end = text.index(BEGIN), text.index(END) + len(END)
        if arguments.only:
            table = _splice(table, text[start:end])
        DOC.write_text(text[:start] + table + text[end:], encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}")
    sys.exit(0 if all(row.ok for row in rows) else 1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
