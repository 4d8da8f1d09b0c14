"""Mutation score of the generated tests: do they catch a broken handler or node?

    .venv/bin/python -m benchmarks.mutation                       # every example, every mutant
    .venv/bin/python -m benchmarks.mutation --sample 40           # 40 mutants per example (seeded)
    .venv/bin/python -m benchmarks.mutation --only orders_crud_effect,price_quote_compute
    .venv/bin/python -m benchmarks.mutation --shape declarative     # the declarative packages

For each ``examples/*.yaml``: ``codegen-ast new`` writes the package into a temporary
folder; its generated tests must pass as generated (else the example is reported as
``baseline red`` and not mutated). Then every mutant (``benchmarks/mutants.py``) of the
node's own code -- every module of the package but its tests, its models and its
``__init__`` files, so ``node.py`` and ``handlers/`` in either output shape -- is
written in place of the original and the package's generated tests run against it: a
failing run (or one past its time limit) **kills** the mutant, a green run lets it
**survive**. Killed/total per example goes to ``benchmarks/results/mutation.json``
with every survivor (file, line, change), so a survivor can be read and a test added.

Speed: one parent process imports what the generated code imports (omnibase-core,
pytest, the clients) once; each mutant runs in a forked child that imports the package
fresh (no bytecode written) and calls ``pytest.main``. About a second a mutant.

Real services: PostgreSQL, Redis and the Tansu Kafka broker from ``tests/services.py``
are started once for the run when their binaries are there, and handed to the
generated tests through ``ONEX_TEST_POSTGRES_DSN``, ``ONEX_TEST_REDIS_URL`` and
``ONEX_TEST_KAFKA_BOOTSTRAP`` (a generated test that needs one and finds neither the
variable nor the binary skips, naming the package to install).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst

from benchmarks.mutants import Mutant, mutants

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RESULTS = ROOT / "benchmarks" / "results"
NOT_MUTATED_DIRS = frozenset({"tests", "models", "__pycache__"})
PYTEST_ARGS = ("-q", "-x", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function")


@dataclass
class Outcome:
    file: str
    line: int
    kind: str
    change: str
    result: str  # killed | survived | timeout


@dataclass
class ExampleReport:
    example: str
    package: str
    files: list[str] = field(default_factory=list)
    baseline: str = ""
    baseline_seconds: float = 0.0
    mutants_found: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def killed(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result != "survived")

    @property
    def score(self) -> float | None:
        return round(100.0 * self.killed / self.total, 1) if self.total else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcomes"] = [asdict(o) for o in self.outcomes if o.result == "survived"]
        data.update(killed=self.killed, total=self.total, score=self.score)
        data["survivors"] = data.pop("outcomes")
        return data


# --- the package under test -----------------------------------------------------------
def package_dirs(out: Path) -> list[Path]:
    """The generated packages in an output folder: folders holding a contract.yaml."""
    return sorted(path.parent for path in out.glob("*/contract.yaml"))


def mutated_files(package: Path) -> list[Path]:
    """The node's own modules: everything but tests, models and ``__init__`` files."""
    found = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if path.name == "__init__.py" or NOT_MUTATED_DIRS & set(relative.parts[:-1]):
            continue
        found.append(path)
    return found


def absolute_imports(files: Sequence[Path]) -> list[str]:
    """Every absolute module the package imports (the parent imports them once for all mutants)."""
    names: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if not node.relative and node.module is not None:
                names.add(cst.Module(body=[]).code_for_node(node.module))

        def visit_Import(self, node: cst.Import) -> None:
            names.update(cst.Module(body=[]).code_for_node(alias.name) for alias in node.names)

    for path in files:
        cst.parse_module(path.read_text(encoding="utf-8")).visit(Collect())
    return sorted(names - {"__future__"})


def preload(modules: Sequence[str]) -> None:
    """Import once in the parent; freeze them so no child's garbage collection walks them."""
    for name in modules:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    gc.collect()
    gc.freeze()


# --- running the generated tests ------------------------------------------------------
def run_tests(out: Path, package: str, timeout: float, log: Path, fork: bool = True) -> tuple[str, float]:
    """Run the package's tests once: ('passed' | 'failed' | 'no tests' | 'timeout', seconds)."""
    for cache in (out / package).rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    started = time.monotonic()
    if not fork:
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "pytest", *PYTEST_ARGS, package],
                cwd=out, stdout=log.open("wb"), stderr=subprocess.STDOUT, timeout=timeout,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, check=False,
            )
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - started
        return _status(completed.returncode), time.monotonic() - started
    child = os.fork()
    if child == 0:  # the child: fresh imports of the package, pytest, exit with its code
        code = 70
        try:
            os.setsid()
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.chdir(out)
            sys.dont_write_bytecode = True
            import pytest

            code = int(pytest.main([*PYTEST_ARGS, package]))
        finally:
            os._exit(code)
    deadline = started + timeout
    while True:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            return _status(os.waitstatus_to_exitcode(status)), time.monotonic() - started
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child, signal.SIGKILL)
            os.waitpid(child, 0)
            return "timeout", time.monotonic() - started
        time.sleep(0.01)


def _status(exit_code: int) -> str:
    return {0: "passed", 5: "no tests"}.get(exit_code, "failed")


def score_package(
    out: Path, package: Path, *, sample: int | None = None, seed: int = 16,
    fork: bool = True, progress: bool = False, example: str = "",
) -> ExampleReport:
    """Mutate the package's own modules one change at a time and run its tests against each."""
    files = mutated_files(package)
    report = ExampleReport(example or package.name, package.name, [str(p.relative_to(package)) for p in files])
    log = out / "mutation-pytest.log"
    if fork:
        sys.path.insert(0, str(out))
        tests = [path for path in package.rglob("*.py") if "tests" in path.relative_to(package).parts]
        preload(["pytest", *absolute_imports([*files, *tests])])
    status, seconds = run_tests(out, package.name, 600, log, fork)
    report.baseline, report.baseline_seconds = status, round(seconds, 2)
    if status != "passed":
        report.baseline = f"baseline {status}: " + log.read_text(encoding="utf-8", errors="replace")[-2000:]
        return report
    timeout = max(10.0, 5 * seconds)
    planned: list[tuple[Path, Mutant]] = [(path, m) for path in files for m in mutants(path.read_text(encoding="utf-8"))]
    report.mutants_found = len(planned)
    if sample is not None and sample < len(planned):
        planned = sorted(random.Random(seed).sample(planned, sample), key=lambda pm: (str(pm[0]), pm[1].index))
    for number, (path, mutant) in enumerate(planned, 1):
        original = path.read_text(encoding="utf-8")
        path.write_text(mutant.source, encoding="utf-8")
        try:
            result, _ = run_tests(out, package.name, timeout, log, fork)
        finally:
            path.write_text(original, encoding="utf-8")
        outcome = Outcome(str(path.relative_to(package)), mutant.line, mutant.kind, mutant.description,
                          "survived" if result == "passed" else ("timeout" if result == "timeout" else "killed"))
        report.outcomes.append(outcome)
        if progress:
            print(f"  [{number}/{len(planned)}] {outcome.result:8} {outcome.file}:{outcome.line} {outcome.change}", flush=True)
    return report


# --- services -------------------------------------------------------------------------
@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """Start what tests/services.py can start here; the environment that hands them over."""
    sys.path.insert(0, str(ROOT))
    from tests.services import KafkaBroker, PostgresServer, RedisServer, ServiceStartError

    started: list[Any] = []
    env: dict[str, str] = {}
    for name, make, variable, address in (
        ("PostgreSQL", PostgresServer.create, "ONEX_TEST_POSTGRES_DSN", lambda s: s.dsn),
        ("Redis", RedisServer.create, "ONEX_TEST_REDIS_URL", lambda s: s.url),
        ("Kafka (Tansu)", KafkaBroker.create, "ONEX_TEST_KAFKA_BOOTSTRAP", lambda s: s.bootstrap_servers),
    ):
        try:
            service = make()
        except ServiceStartError as error:
            print(f"  {name}: not started ({error})", flush=True)
            continue
        started.append(service)
        env[variable] = address(service)
    try:
        yield env
    finally:
        for service in started:
            service.destroy()


def run(examples: Sequence[Path], sample: int | None, seed: int, progress: bool, new_args: Sequence[str] = ()) -> list[ExampleReport]:
    reports: list[ExampleReport] = []
    with services() as env:
        os.environ.update(env)
        for spec in examples:
            with tempfile.TemporaryDirectory(prefix="mutation-") as folder:
                out = Path(folder)
                made = subprocess.run([sys.executable, "-m", "codegen_ast", "new", str(spec), "-o", str(out), *new_args],
                                      capture_output=True, text=True, check=False)
                packages = package_dirs(out)
                if made.returncode != 0 or len(packages) != 1:
                    report = ExampleReport(spec.stem, "", baseline=f"generation failed: {made.stdout[-500:]}{made.stderr[-1500:]}")
                else:
                    print(f"\n{spec.stem} ({packages[0].name})", flush=True)
                    # each example in its own process: no package's imports leak into the next
                    report = _in_child(out, packages[0], sample, seed, progress, spec.stem)
                reports.append(report)
                print(_row(report), flush=True)
    return reports


def _in_child(out: Path, package: Path, sample: int | None, seed: int, progress: bool, example: str) -> ExampleReport:
    result = out / "mutation-report.json"
    child = os.fork()
    if child == 0:
        code = 1
        try:
            report = score_package(out, package, sample=sample, seed=seed, progress=progress, example=example)
            result.write_text(json.dumps(asdict(report)), encoding="utf-8")
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.waitpid(child, 0)
    if not result.exists():
        return ExampleReport(example, package.name, baseline="the scoring process died")
    data = json.loads(result.read_text(encoding="utf-8"))
    data["outcomes"] = [Outcome(**o) for o in data["outcomes"]]
    return ExampleReport(**data)


def _row(report: ExampleReport) -> str:
    if report.baseline != "passed":
        return f"| {report.example} | {report.baseline.splitlines()[0] if report.baseline else '?'} | | | |"
    return (f"| {report.example} | {report.killed} | {report.total} | {report.score}% "
            f"| {report.mutants_found} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=None, help="mutants per example (seeded random sample); all by default")
    parser.add_argument("--draw", type=int, default=16, help="which random sample --sample takes")
    parser.add_argument("--only", default="", help="comma-separated example names (file stems)")
    parser.add_argument("--progress", action="store_true", help="one line per mutant")
    parser.add_argument("--output", type=Path, default=RESULTS / "mutation.json")
    parser.add_argument("--new-arg", action="append", default=[], help="passed on to `codegen-ast new` (e.g. --new-arg=--force)")
    parser.add_argument("--shape", choices=("imperative", "declarative"), default=None,
                        help="the output shape to generate and score (default: `codegen-ast new`'s)")
    arguments = parser.parse_args(argv)
    if arguments.shape is not None:
        arguments.new_arg.append(f"--shape={arguments.shape}")
    specs = sorted(EXAMPLES.glob("*.yaml"))
    if arguments.only:
        wanted = set(arguments.only.split(","))
        specs = [spec for spec in specs if spec.stem in wanted]
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the services on kill too
    reports = run(specs, arguments.sample, arguments.draw, arguments.progress, arguments.new_arg)
    killed = sum(r.killed for r in reports)
    total = sum(r.total for r in reports)
    print("\n| example | killed | run | score | mutants found |\n|---|---:|---:|---:|---:|")
    for report in reports:
        print(_row(report))
    overall = round(100.0 * killed / total, 1) if total else None
    print(f"| **overall** | **{killed}** | **{total}** | **{overall}%** | |")
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps({
        "killed": killed, "total": total, "score": overall, "sample_per_example": arguments.sample,
        "shape": arguments.shape, "new_args": arguments.new_arg,
        "draw": arguments.draw, "seconds": round(time.monotonic() - started, 1), "load_average": os.getloadavg()[0],
        "examples": [r.as_json() for r in reports],
    }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
