"""Hostile and malformed input fed to the real command line: time, peak memory, answer.

    .venv/bin/python -m benchmarks.hostile

Each probe runs ``codegen-ast`` in a fresh process on one hostile input (an
alias bomb through every command that reads YAML, /dev/zero, deep nesting, a
type nested 3000 deep, a 50 MB file, a 250-character name, ...) and records
the exit code, the first line of the answer, the wall time and the peak
resident memory of the process (``os.wait4``). The goal: every probe is
answered within 5 s and 200 MB with exit code 2 and a message naming the
file, never a traceback. The same command on a valid input is timed beside
it, for scale. tests/test_hostile_input.py runs the probes and asserts all
but the time (tests assert no times; this table reports them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "orders_effect.yaml"
TIMEOUT_S = 120.0
LIMIT_S, LIMIT_MIB = 5.0, 200.0


@dataclass
class Answer:
    exit_code: int
    first_line: str
    output: str  # stdout and stderr
    seconds: float
    peak_mib: float | None
    timed_out: bool = False
    cpu_seconds: float = 0.0


# Runs the command line and, as it exits, records its peak resident memory (VmHWM,
# the high-water mark of this process's own memory; ru_maxrss would include the
# parent's memory at the fork).
_LAUNCHER = """
import atexit, runpy, sys
peak_file = sys.argv.pop(1)
def record():
    with open("/proc/self/status") as status, open(peak_file, "w") as out:
        out.write(next((line.split()[1] for line in status if line.startswith("VmHWM:")), ""))
atexit.register(record)
exec(sys.argv.pop(1))  # a prelude: empty, or benchmarks.scaling's lifting of the spec limits
sys.argv[0] = "codegen-ast"
runpy.run_module("codegen_ast", run_name="__main__")
"""


def run_cli(arguments: list[str], cwd: Path, prelude: str = "") -> Answer:
    """Run the command line in a fresh process: its wall time, CPU time (the kernel's account
    of the child: unlike wall time, barely moved by other work on a shared machine) and peak memory.
    ``prelude`` is Python run in that process before the command line starts."""
    with tempfile.TemporaryDirectory(prefix="codegen-ast-probe-") as scratch:
        peak_file = Path(scratch) / "peak"
        with open(Path(scratch) / "out", "w+b") as out:
            started = time.perf_counter()
            process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(peak_file), prelude, *arguments], cwd=cwd,
                                       stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            timer = threading.Timer(TIMEOUT_S, process.kill)
            timer.start()
            try:
                _, status, usage = os.wait4(process.pid, 0)
            finally:
                timer.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.perf_counter() - started
            out.seek(0)
            output = out.read().decode("utf-8", "replace")
        recorded = peak_file.read_text(encoding="utf-8").strip() if peak_file.exists() else ""
    first = next((line for line in output.splitlines() if line.strip()), "")
    peak = round(int(recorded) / 1024, 1) if recorded else None
    return Answer(process.returncode, first, output, round(seconds, 2), peak, seconds >= TIMEOUT_S,
                  round(usage.ru_utime + usage.ru_stime, 2))


ALIAS_BOMB = "\n".join(
    [
        "# nine aliases, each naming nine of the previous: 9**9 (387 million) values once expanded",
        'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
        *(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 9)),
        "name: bomb",
        "node_type: effect",
        "description: An alias bomb.",
    ]
) + "\n"


def _spec(workspace: Path, text: str, name: str = "hostile.yaml") -> Path:
    path = workspace / name
    path.write_text(text, encoding="utf-8")
    return path


def _package(workspace: Path) -> Path:
    """A generated package to regenerate or validate (written once per workspace)."""
    from codegen_ast.generate import generate
    from codegen_ast.readers import read_node_spec

    target = workspace / "out" / "node_orders_effect"
    if not target.exists():
        generate(read_node_spec(EXAMPLE)).write(workspace / "out")
    return target


def _bomb_contract(workspace: Path) -> Path:
    package = workspace / "bombed" / "node_orders_effect"
    if not package.exists():
        shutil.copytree(_package(workspace), package)
        contract = package / "contract.yaml"
        contract.write_text(contract.read_text(encoding="utf-8") + ALIAS_BOMB.replace("name: bomb", "extra: *a8"),
                            encoding="utf-8")
    return package


@dataclass
class Probe:
    name: str
    arguments: Callable[[Path], list[str]]  # the command line, given the workspace
    expect: str  # in the answer
    baseline: Callable[[Path], list[str]] | None = None  # the same command on a valid input
    exit_code: int = 2  # bad input; validate reports a bad contract as a finding (1)


def _new(path: Path) -> list[str]:
    return ["new", str(path), "-o", str(path.parent / "generated")]


PROBES: tuple[Probe, ...] = (
    Probe("alias bomb, 9^9 values: explain", lambda w: ["explain", str(_spec(w, ALIAS_BOMB))],
          "more than 100,000 values once its aliases", lambda w: ["explain", str(EXAMPLE)]),
    Probe("alias bomb: new", lambda w: _new(_spec(w, ALIAS_BOMB)), "more than 100,000 values once its aliases",
          lambda w: _new(_spec(w, EXAMPLE.read_text(encoding="utf-8"), "valid.yaml"))),
    Probe("alias bomb: regenerate --spec", lambda w: ["regenerate", str(_package(w)), "--spec", str(_spec(w, ALIAS_BOMB))],
          "more than 100,000 values once its aliases",
          lambda w: ["regenerate", str(_package(w)), "--spec", str(EXAMPLE), "--dry-run"]),
    Probe("alias bomb in contract.yaml: validate", lambda w: ["validate", str(_bomb_contract(w))],
          "more than 100,000 values once its aliases", lambda w: ["validate", str(_package(w))], exit_code=1),
    Probe("/dev/zero as the spec: new", lambda w: _new(Path("/dev/zero")), "not a regular file"),
    Probe("3000 nested lists: new", lambda w: _new(_spec(w, "name: deep\nvalue: " + "[" * 3000 + "]" * 3000 + "\n")),
          "nests deeper than 64 levels"),
    Probe("3000 nested flow mappings: new", lambda w: _new(_spec(w, "name: deep\nvalue: " + "{k: " * 3000 + "v" + "}" * 3000 + "\n")),
          "nests deeper than 64 levels"),
    Probe("200 nested block mappings: new", lambda w: _new(_spec(w, "".join(f"{' ' * i}k{i}:\n" for i in range(200)))),
          "nests deeper than 64 levels"),
    Probe("type list[ x 3000: new",
          lambda w: _new(_spec(w, "name: deep\nnode_type: effect\ndescription: d\ninput_fields:\n"
                               f"  - {{name: a, type: \"{'list[' * 3000}str{']' * 3000}\"}}\n")),
          "nests more than 8 levels deep"),
    Probe("a 50 MB spec: new",
          lambda w: _new(_spec(w, "name: big\nnode_type: effect\ndescription: '" + "x" * 50_000_000 + "'\n")),
          "larger than 1024 KiB"),
    Probe("a 250-character node name: new",
          lambda w: _new(_spec(w, f"name: {'a' * 250}\nnode_type: effect\ndescription: d\n")),
          "longer than 63 characters"),
    Probe("a 250-character --name: new",
          lambda w: ["new", "--name", "a" * 250, "--type", "effect", "-o", str(w / "generated")],
          "longer than 63 characters"),
)


@dataclass
class ProbeResult:
    probe: str
    exit_code: int
    answer: str
    seconds: float
    peak_mib: float | None
    traceback: bool
    expected_answer: bool
    expected_exit_code: int
    cpu_seconds: float = 0.0
    baseline_seconds: float | None = None
    baseline_cpu_seconds: float | None = None
    baseline_peak_mib: float | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == self.expected_exit_code and self.expected_answer and not self.traceback

    @property
    def within_limits(self) -> bool:
        """The 5 s goal on CPU time (the wall time of a shared machine measures its load), and 200 MB."""
        return self.cpu_seconds <= LIMIT_S and self.peak_mib is not None and self.peak_mib <= LIMIT_MIB


def run_probe(probe: Probe, workspace: Path, *, baseline: bool = False) -> ProbeResult:
    answer = run_cli(probe.arguments(workspace), workspace)
    result = ProbeResult(
        probe.name, answer.exit_code, answer.first_line[:200], answer.seconds, answer.peak_mib,
        traceback="Traceback" in answer.output, expected_answer=probe.expect in answer.output,
        expected_exit_code=probe.exit_code, cpu_seconds=answer.cpu_seconds,
    )
    if baseline and probe.baseline is not None:
        valid = run_cli(probe.baseline(workspace), workspace)
        result.baseline_seconds, result.baseline_peak_mib = valid.seconds, valid.peak_mib
        result.baseline_cpu_seconds = valid.cpu_seconds
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hostile", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON only")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="codegen-ast-hostile-") as temporary:
        results = [run_probe(probe, Path(temporary), baseline=True) for probe in PROBES]
    if arguments.json:
        print(json.dumps([asdict(result) | {"ok": result.ok} for result in results]))
        return
    for result in results:
        print(f"{'ok ' if result.ok and result.within_limits else 'BAD'} {result.probe:<40} exit {result.exit_code} "
              f"{result.seconds:5.2f} s ({result.cpu_seconds} s CPU) {result.peak_mib} MiB (valid input: {result.baseline_seconds} s, "
              f"{result.baseline_peak_mib} MiB)  {result.answer[:80]}")
    sys.exit(0 if all(result.ok and result.within_limits for result in results) else 1)


if __name__ == "__main__":
    main()
