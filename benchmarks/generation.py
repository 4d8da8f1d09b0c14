"""How long generating a node package takes, and where the time goes (benchmarks are not tests).

    .venv/bin/python -m benchmarks.generation            # ~8 minutes
    .venv/bin/python -m benchmarks.generation --runs 5   # quicker, noisier
    .venv/bin/python -m benchmarks.generation --no-gc-pause    # as before emit.collector_paused
    .venv/bin/python -m benchmarks.generation --gc-ab 8        # only: with/without the pause, CPU time

For each of the 24 golden specs (tests/cases/*/spec.yaml):

- **package**: spec -> every file built, formatted by black and validated at level
  ``standard`` (stages 1-5, ``validate_generated``), the median of ``--runs`` runs;
  goal: under 50 ms.
- **node.py against the seed's approach**, measured in the same run: the IMPERATIVE
  shape's node.py (``--shape imperative``: selection, pattern contributions, assembly,
  LibCST codegen, black) against a Jinja2 template (benchmarks/templates/node_effect.py.j2,
  Effect nodes only) rendered and black-formatted; both texts are compared, the ratio
  is the median over the identical ones; goal (issue 21): ours at most 1.0x. The
  declarative shape, ``new``'s default, is compared by benchmarks/jinja_declarative.py.
- **where the time goes**: selection, tree building, LibCST codegen, black, the
  contract, and each validation stage, for one package at a time.
- **memory**: peak RSS of one fresh process generating 100 packages.
- **the command line**: ``codegen-ast new`` at level standard, and at level strict
  with a cold then a warm mypy cache, each in a fresh process.

Prints tables and writes benchmarks/results/generation.json. Needs the ``bench``
extra for Jinja2: ``.venv/bin/pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "generation.json"
TEMPLATES = Path(__file__).resolve().parent / "templates"
RUNS = 20
MEMORY_PACKAGES = 100
PACKAGE_GOAL_MS = 50.0
NODE_RATIO_GOAL = 1.0  # issue 21: at most 1.0x Jinja2 + black for the same text

# What the template needs to know about each integration (the generator keeps this in
# codegen_ast/patterns/integrations.py as syntax trees; the seed kept it in templates).
SETTINGS = {
    "postgres": [
        ("POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"),
        ("POSTGRES_POOL_MIN_SIZE", "1"),
        ("POSTGRES_POOL_MAX_SIZE", "10"),
        ("POSTGRES_COMMAND_TIMEOUT_S", "30"),
    ],
    "redis": [("REDIS_URL", "redis://127.0.0.1:6379/0"), ("REDIS_SOCKET_TIMEOUT_S", "5")],
    "http": [
        ("HTTP_BASE_URL", "http://127.0.0.1:8080"),
        ("HTTP_TIMEOUT_S", "10"),
        ("HTTP_HEALTH_PATH", "/health"),
    ],
    "kafka": [("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"), ("KAFKA_CLIENT_ID", "onex-node")],
    "consul": [
        ("CONSUL_HOST", "127.0.0.1"),
        ("CONSUL_PORT", "8500"),
        ("CONSUL_ENABLE_REGISTRATION", "true"),
        ("SERVICE_HOST", "127.0.0.1"),
        ("SERVICE_PORT", "8060"),
    ],
}
CLIENT_TYPES = {
    "postgres": "asyncpg.Pool",
    "redis": "redis.asyncio.Redis",
    "http": "httpx.AsyncClient",
    "kafka": "AIOKafkaProducer",
}
CLOSE = {"postgres": "close", "redis": "aclose", "http": "aclose", "kafka": "stop"}
START_ERRORS = {
    "postgres": "DATABASE_CONNECTION_ERROR",
    "redis": "CACHE_CONNECTION_ERROR",
    "http": "NETWORK_ERROR",
    "kafka": "SERVICE_UNAVAILABLE",
}
COUNTERS = {"postgres": "queries", "redis": "cache_commands", "http": "api_calls", "kafka": "kafka_sends"}
ERROR_MAPPINGS = {
    "postgres": [
        ("(asyncpg.PostgresConnectionError, asyncpg.InterfaceError)", "DATABASE_CONNECTION_ERROR"),
        ("asyncpg.PostgresError", "DATABASE_QUERY_ERROR"),
    ],
    "redis": [
        ("redis.exceptions.ConnectionError", "CACHE_CONNECTION_ERROR"),
        ("redis.exceptions.TimeoutError", "CACHE_TIMEOUT_ERROR"),
        ("redis.exceptions.RedisError", "CACHE_OPERATION_FAILED"),
    ],
    "http": [
        ("httpx.TimeoutException", "TIMEOUT"),
        ("httpx.HTTPStatusError", "SERVICE_UNAVAILABLE"),
        ("httpx.TransportError", "NETWORK_ERROR"),
    ],
    "kafka": [
        ("aiokafka.errors.KafkaTimeoutError", "TIMEOUT"),
        ("aiokafka.errors.KafkaConnectionError", "SERVICE_UNAVAILABLE"),
        ("aiokafka.errors.KafkaError", "EVENT_BUS_ERROR"),
    ],
}


NO_GC_PAUSE = "CODEGEN_BENCH_NO_GC_PAUSE"


def apply_gc_pause_setting() -> bool:
    """With ``--no-gc-pause`` (env CODEGEN_BENCH_NO_GC_PAUSE=1), measure generation as it was
    before emit.collector_paused existed: the collector stays on. Returns whether it is paused."""
    if os.environ.get(NO_GC_PAUSE) != "1":
        return True
    import importlib

    for module in ("codegen_ast.emit", "codegen_ast.generate"):
        loaded = importlib.import_module(module)
        if hasattr(loaded, "collector_paused"):
            loaded.collector_paused = contextlib.nullcontext  # type: ignore[attr-defined]
    return False


def golden_specs() -> list[tuple[str, Any]]:
    from codegen_ast.readers import read_node_spec

    return [(path.parent.name, read_node_spec(path)) for path in sorted((ROOT / "tests" / "cases").glob("*/spec.yaml"))]


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000.0, 2)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


# --- the Jinja2 + black baseline ---------------------------------------------------


def template_context(spec: Any) -> dict[str, Any]:
    """What the seed's template is given: names, integrations and patterns from the selector."""
    from codegen_ast.selection import select

    selection = select(spec)
    integrations = list(selection.integrations)
    consul = "consul" in selection.patterns
    events = "events" in selection.patterns
    camel = "".join(part.capitalize() for part in spec.name.split("_"))
    metrics = ["operations", "successes", "failures", *(COUNTERS[name] for name in integrations)]
    if events:
        metrics += ["events_published", "events_failed"]
    metrics += ["duration_ms_last", "duration_ms_total"]
    return {
        "name": spec.name,
        "class_name": spec.class_name,
        "description": spec.description,
        "input_model": f"Model{camel}Input",
        "output_model": f"Model{camel}Output",
        "handler_alias": f"{camel}Handler",
        "operations": [
            {"name": op.name, "handler": "Handler" + "".join(p.capitalize() for p in op.name.split("_"))}
            for op in spec.effective_operations
        ],
        "integrations": integrations,
        "consul": consul,
        "events": events,
        "metrics": metrics,
        "health_checks": integrations + (["consul"] if consul else []),
        "error_mappings": [
            ("ValidationError", "VALIDATION_ERROR"),
            *(mapping for name in integrations for mapping in ERROR_MAPPINGS[name]),
            ("TimeoutError", "TIMEOUT"),
            ("Exception", "OPERATION_FAILED"),
        ],
        "SETTINGS": SETTINGS,
        "CLIENT_TYPES": CLIENT_TYPES,
        "CLOSE": CLOSE,
        "START_ERRORS": START_ERRORS,
    }


def jinja_environment(folder: Path) -> Any:
    """A Jinja2 environment over the templates in ``folder``, set up as a code-template user would."""
    try:
        import jinja2
    except ImportError:
        raise SystemExit("Jinja2 is missing: .venv/bin/pip install -e '.[bench]'") from None
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )


def load_template() -> Any:
    return jinja_environment(TEMPLATES).get_template("node_effect.py.j2")


def baseline_node(template: Any, spec: Any) -> tuple[str, str]:
    """(rendered text, black-formatted text): the seed's way to make node.py.

    Formatted by the same call as ours (black, same mode, same garbage-collector
    treatment), so the comparison is template against syntax tree.
    """
    from codegen_ast.emit import format_source

    rendered = template.render(**template_context(spec))
    return rendered, format_source(rendered)


def our_node(spec: Any) -> tuple[str, str]:
    """(LibCST code, black-formatted text) of node.py, built the way generate() builds it."""
    from codegen_ast.assemble import assemble_node_module
    from codegen_ast.emit import emit
    from codegen_ast.generate import node_context
    from codegen_ast.patterns.registry import build_contributions

    context = node_context(spec)
    tree = assemble_node_module(context, build_contributions(context))
    return tree.code, emit(tree)


def black_passes(source: str, formatted: str) -> int:
    """black.format_str formats twice unless its input is already its output."""
    return 1 if source == formatted else 2


def compare_node_py(specs: list[tuple[str, Any]], runs: int) -> list[dict[str, Any]]:
    template = load_template()
    rows = []
    for case, spec in specs:
        if spec.node_type != "effect":
            continue
        our_code, ours = our_node(spec)
        rendered, theirs = baseline_node(template, spec)
        our_times, their_times = [], []
        for _ in range(runs):  # interleaved, so both see the same machine
            our_times.append(timed(lambda: our_node(spec))[0])
            their_times.append(timed(lambda: baseline_node(template, spec))[0])
        our_ms, their_ms = median_ms(our_times), median_ms(their_times)
        rows.append(
            {
                "case": case,
                "lines": ours.count("\n"),
                "ours_ms": our_ms,
                "jinja2_black_ms": their_ms,
                "ratio": round(our_ms / their_ms, 2),
                "same_text": ours == theirs,
                "black_passes_ours": black_passes(our_code, ours),
                "black_passes_jinja2": black_passes(rendered, theirs),
            }
        )
    return rows


# --- where the time goes ---------------------------------------------------------


@contextlib.contextmanager
def stage_timers(totals: dict[str, float]) -> Iterator[None]:
    """Time the validation stages by wrapping the functions the pipeline calls.

    Wrapping the names in codegen_ast.validate.pipeline (rather than calling the
    stages here) follows whatever the pipeline does, in its order.
    """
    from codegen_ast.validate import pipeline

    stages = {
        "discover": "setup",
        "TargetPython": "setup",
        "ModuleIndex": "setup",
        "check_syntax": "1 syntax",
        "check_structure": "2 structure",
        "check_imports": "3 imports",
        "check_security": "4 security",
        "check_completeness": "5 completeness",
        "manual_completion": "5 completeness",
        "ClassResolver": "5 completeness",
    }
    originals = {name: getattr(pipeline, name) for name in stages if hasattr(pipeline, name)}

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed_stage(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                key = stages[name]
                totals[key] = totals.get(key, 0.0) + time.perf_counter() - started

        return timed_stage

    for name, original in originals.items():
        setattr(pipeline, name, wrap(name, original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(pipeline, name, original)


def breakdown(spec: Any, runs: int) -> dict[str, float]:
    """Median milliseconds of each step of one package's generation and validation."""
    from codegen_ast.emit import format_source
    from codegen_ast.files.contract import render_contract
    from codegen_ast.generate import build_modules, node_context
    from codegen_ast.selection import select
    from codegen_ast.validate import validate_generated

    samples: dict[str, list[float]] = {}

    def add(key: str, seconds: float) -> None:
        samples.setdefault(key, []).append(seconds)

    selection_samples = []
    for _ in range(200):
        selection_samples.append(timed(lambda: select(spec))[0])
    for _ in range(runs):
        seconds, modules = timed(lambda: build_modules(spec))
        add("tree building (incl. selection)", seconds)
        codes = {}
        started = time.perf_counter()
        for path, tree in modules.items():
            codes[path] = tree.code
        add("libcst codegen", time.perf_counter() - started)
        started = time.perf_counter()
        formatted = {path: format_source(code) for path, code in codes.items()}
        add("black", time.perf_counter() - started)
        started = time.perf_counter()
        for text in formatted.values():
            format_source(text)
        add("(black floor: one pass over the final files)", time.perf_counter() - started)
        seconds, contract = timed(lambda: render_contract(node_context(spec)))
        add("contract.yaml", seconds)
        from codegen_ast.generate import GeneratedPackage

        package = GeneratedPackage(spec, {**formatted, "contract.yaml": contract})
        totals: dict[str, float] = {}
        with stage_timers(totals):
            seconds, report = timed(lambda: validate_generated(package, level="standard"))
        if not report.passed:
            raise SystemExit(f"{spec.name}: the generated package fails validation")
        for key, value in totals.items():
            add(f"validate: {key}", value)
        add("validate: staging (temp files)", seconds - sum(totals.values()))
    result = {"selection_us": round(statistics.median(selection_samples) * 1e6, 2)}
    result.update({key: median_ms(values) for key, values in samples.items()})
    return result


# --- whole packages ----------------------------------------------------------------


def package_times(spec: Any, runs: int) -> dict[str, float]:
    from codegen_ast.generate import generate
    from codegen_ast.validate import validate_generated

    generation, validation, total = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        package = generate(spec)
        built = time.perf_counter()
        report = validate_generated(package, level="standard")
        done = time.perf_counter()
        if not report.passed:
            raise SystemExit(f"{spec.name}: the generated package fails validation")
        generation.append(built - started)
        validation.append(done - built)
        total.append(done - started)
    return {
        "package_ms": median_ms(total),
        "generate_ms": median_ms(generation),
        "validate_ms": median_ms(validation),
    }


# --- memory ------------------------------------------------------------------------

# VmHWM (the peak RSS of this process image) rather than ru_maxrss: Linux carries
# ru_maxrss over exec from the forking parent, which would report the parent's size.
_MEMORY_CHILD = """
import json, resource, sys, time
from pathlib import Path
def peak_kib():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from benchmarks.generation import apply_gc_pause_setting
apply_gc_pause_setting()
specs = [read_node_spec(p) for p in sorted(Path("tests/cases").glob("*/spec.yaml"))]
after_imports = peak_kib()
started = time.perf_counter()
files = 0
for number in range(int(sys.argv[1])):
    files += len(generate(specs[number % len(specs)]).files)
elapsed = time.perf_counter() - started
print(json.dumps({"after_imports_kib": after_imports, "peak_kib": peak_kib(), "seconds": elapsed, "files": files}))
"""


def memory(packages: int) -> dict[str, Any]:
    """Peak RSS of a fresh process that generates ``packages`` packages (the golden specs in turn)."""
    result = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, str(packages)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "packages": packages,
        "files": answer["files"],
        "rss_after_imports_mib": round(answer["after_imports_kib"] / 1024, 1),
        "peak_rss_mib": round(answer["peak_kib"] / 1024, 1),
        "growth_mib": round((answer["peak_kib"] - answer["after_imports_kib"]) / 1024, 1),
        "seconds": round(answer["seconds"], 2),
        "packages_per_s": round(packages / answer["seconds"], 2),
    }


# --- before/after of the garbage-collector pause ----------------------------------

_AB_CHILD = """
import gc, json, time
from pathlib import Path
from benchmarks.generation import apply_gc_pause_setting
paused = apply_gc_pause_setting()
from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
specs = [read_node_spec(p) for p in sorted(Path("tests/cases").glob("*/spec.yaml"))]
generate(specs[0])
gc.collect()
cpu, wall = time.process_time(), time.perf_counter()
for spec in specs:
    generate(spec)
gc.collect()  # garbage left behind is paid for here, not hidden
print(json.dumps({"paused": paused, "cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall}))
"""


def gc_pause_ab(rounds: int) -> dict[str, Any]:
    """Alternate fresh processes with and without the pause, each generating the 24 packages once.

    CPU time is the figure to read on a shared machine: wall time also counts
    other processes' turns on the CPU.
    """
    samples: dict[str, dict[str, list[float]]] = {"collector on": {}, "collector paused": {}}
    for _ in range(rounds):
        for label, off in (("collector on", "1"), ("collector paused", "0")):
            completed = subprocess.run(
                [sys.executable, "-c", _AB_CHILD],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env={**os.environ, NO_GC_PAUSE: off},
            )
            answer = json.loads(completed.stdout.strip().splitlines()[-1])
            for key in ("cpu_s", "wall_s"):
                samples[label].setdefault(key, []).append(answer[key])
    result: dict[str, Any] = {"rounds": rounds, "packages_per_round": 24}
    for label, values in samples.items():
        result[label] = {key: round(statistics.median(v), 2) for key, v in values.items()}
    before, after = result["collector on"]["cpu_s"], result["collector paused"]["cpu_s"]
    result["cpu_saved_percent"] = round(100.0 * (before - after) / before, 1)
    return result


# --- the command line, end to end -------------------------------------------------


def command_line(runs: int) -> dict[str, Any]:
    """Wall time (and CPU of the command with the children it waits for) of
    ``codegen-ast new`` and of importing the CLI, each in a fresh process.

    ``new`` at the default level (standard): **repeated**, the same spec again
    (everything the user's cache folder keeps is warm, the import check (IMP003)
    answered from disk); **import check cold**, a cache folder (XDG_CACHE_HOME)
    holding a copy of the user's but for the import answers (codegen-ast/imports,
    removed before each run): what a spec edited since the last run costs for the
    import check, the package imported by the import server, up since the first such
    run (its forked child's CPU counted too); the same **without the import server**
    (``CODEGEN_AST_IMPORT_SERVER=0``: imported in a worker that loads the framework
    first, as the first edit after the server's idle timeout); and **edited**, a copy
    of the spec with another description each run in that cache folder (the contract
    checks are not answered from disk either), the import server up.
    ``--level strict``: its first run in the series (``new_level_strict_cold_ms``; cold
    only when the user's mypy cache, ``codegen-ast/mypy`` in the cache folder or
    ``MYPY_CACHE_DIR``, is), then the warm figure, the same command again, the package
    regenerated identically over the one written.
    """
    import platformdirs
    import resource
    import shutil
    import tempfile

    from codegen_ast.validate import import_server

    spec = ROOT / "examples" / "orders_effect.yaml"
    kinds = ("imports", "standard", "import_cold", "import_cold_worker", "edited", "strict")
    samples: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="generation-bench-") as temp:
        output, workdir, cold = Path(temp) / "out", Path(temp) / "work", Path(temp) / "cache"
        workdir.mkdir()
        users = Path(platformdirs.user_cache_dir("codegen-ast", appauthor=False))
        if users.is_dir():
            shutil.copytree(users, cold / "codegen-ast", ignore=shutil.ignore_patterns("imports", "mypy", import_server.FOLDER))
        servers = cold / "codegen-ast" / import_server.FOLDER

        def server_cpu() -> float:
            """CPU of the children the import server has reaped (its forked imports)."""
            total = 0.0
            for server in import_server.servers(servers):
                pid = server.pid()
                with contextlib.suppress(OSError, ValueError, TypeError):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    total += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
            return total

        def fresh(command: list[str], cwd: Path, environment: dict[str, str] | None = None) -> tuple[float, float]:
            before, served = resource.getrusage(resource.RUSAGE_CHILDREN), server_cpu()
            wall, _ = timed(lambda: subprocess.run(command, check=True, cwd=cwd, env=environment))
            after, served = resource.getrusage(resource.RUSAGE_CHILDREN), server_cpu() - served
            return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) + served

        def new(level: str, environment: dict[str, str] | None = None, source: Path = spec) -> tuple[float, float]:
            command = [sys.executable, "-m", "codegen_ast", "new", str(source), "-o", str(output), "--force", "-q"]
            return fresh([*command, "--level", level], workdir, environment)

        def import_cold(server: bool = True) -> tuple[float, float]:
            shutil.rmtree(cold / "codegen-ast" / "imports", ignore_errors=True)
            return new("standard", {**os.environ, "XDG_CACHE_HOME": str(cold),
                                    "CODEGEN_AST_IMPORT_SERVER": "1" if server else "0"})

        def edited(run: int) -> tuple[float, float]:
            text = spec.read_text(encoding="utf-8").replace("\ndescription: ", f"\ndescription: (edit {run}) ", 1)
            (workdir / "edited.yaml").write_text(text, encoding="utf-8")
            return new("standard", {**os.environ, "XDG_CACHE_HOME": str(cold), "CODEGEN_AST_IMPORT_SERVER": "1"},
                       workdir / "edited.yaml")

        try:
            new("standard")  # the user's cache folder warm for this spec
            import_cold()  # imported in the worker: starts the import server of the copy
            deadline = time.monotonic() + 120
            while not any(server.up() for server in import_server.servers(servers)) and time.monotonic() < deadline:
                time.sleep(0.1)
            for run in range(runs):  # alternating, so both see the same machine
                samples["imports"].append(fresh([sys.executable, "-c", "import codegen_ast.cli"], ROOT))
                samples["standard"].append(new("standard"))
                samples["import_cold"].append(import_cold())
                samples["import_cold_worker"].append(import_cold(server=False))
                samples["edited"].append(edited(run))
        finally:
            import_server.stop_servers(servers)
        strict_cold = new("strict")[0]
        for _ in range(runs):
            samples["strict"].append(new("strict"))

    def wall(key: str) -> float:
        return median_ms([sample[0] for sample in samples[key]])

    def cpu(key: str) -> float:
        return median_ms([sample[1] for sample in samples[key]])

    return {
        "spec": "examples/orders_effect.yaml",
        "runs": runs,
        "import_cli_ms": wall("imports"),
        "new_level_standard_ms": wall("standard"),
        "new_level_standard_cpu_ms": cpu("standard"),
        "new_level_standard_import_cold_ms": wall("import_cold"),
        "new_level_standard_import_cold_cpu_ms": cpu("import_cold"),
        "new_level_standard_import_cold_worker_ms": wall("import_cold_worker"),
        "new_level_standard_import_cold_worker_cpu_ms": cpu("import_cold_worker"),
        "new_level_standard_edited_ms": wall("edited"),
        "new_level_standard_edited_cpu_ms": cpu("edited"),
        "new_level_strict_cold_ms": round(strict_cold * 1000.0, 1),
        "new_level_strict_warm_ms": wall("strict"),
        "new_level_strict_warm_cpu_ms": cpu("strict"),
    }


# --- machine, report ---------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    packages = {}
    for name in ("black", "libcst", "pydantic", "jinja2", "omnibase-core"):
        with contextlib.suppress(Exception):
            packages[name] = version(name)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "packages": packages,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def print_tables(result: dict[str, Any]) -> None:
    print(f"{'case':<24}{'package ms':>11}{'generate ms':>12}{'validate ms':>12}")
    for row in result["packages"]:
        print(f"{row['case']:<24}{row['package_ms']:>11.1f}{row['generate_ms']:>12.1f}{row['validate_ms']:>12.1f}")
    summary = result["summary"]
    print(
        f"median package: {summary['median_package_ms']:.1f} ms "
        f"(goal < {PACKAGE_GOAL_MS:.0f} ms: {'met' if summary['package_goal_met'] else 'NOT met'})"
    )
    print()
    print(f"{'node.py (effect)':<24}{'lines':>6}{'ours ms':>9}{'jinja2+black ms':>16}{'ratio':>7}{'same text':>10}{'passes':>8}")
    for row in result["node_py"]:
        passes = f"{row['black_passes_ours']}/{row['black_passes_jinja2']}"
        print(
            f"{row['case']:<24}{row['lines']:>6}{row['ours_ms']:>9.1f}{row['jinja2_black_ms']:>16.1f}"
            f"{row['ratio']:>7.2f}{'yes' if row['same_text'] else 'NO':>10}{passes:>8}"
        )
    print(
        f"median ratio: {summary['median_node_ratio']:.2f}x (goal <= {NODE_RATIO_GOAL}x: "
        f"{'met' if summary['node_ratio_goal_met'] else 'NOT met'}); "
        f"texts identical for {summary['node_py_identical']}"
    )
    print()
    print("where the time goes (median over the golden packages, ms):")
    for key, value in result["where_time_goes"].items():
        print(f"  {key:<38}{value:>10.2f}")
    print(
        f"  selection median {summary['selection_us']:.1f} us (goal < 20 us: "
        f"{'met' if summary['selection_goal_met'] else 'NOT met'})"
    )
    memory_row = result["memory"]
    print()
    print(
        f"memory: {memory_row['packages']} packages in one process: peak RSS {memory_row['peak_rss_mib']} MiB "
        f"({memory_row['rss_after_imports_mib']} MiB after imports, +{memory_row['growth_mib']} MiB); "
        f"{memory_row['packages_per_s']} packages/s"
    )
    print_command_line(result["command_line"])


def print_command_line(cli: dict[str, Any]) -> None:
    print(
        f"command line: codegen-ast new {cli['spec']} (level standard), wall (CPU with waited children): "
        f"repeated {cli['new_level_standard_ms']:.0f} ms ({cli['new_level_standard_cpu_ms']:.0f}), "
        f"import check cold {cli['new_level_standard_import_cold_ms']:.0f} ms "
        f"({cli['new_level_standard_import_cold_cpu_ms']:.0f}) (goal < 1 s; import server up), "
        f"without the import server {cli.get('new_level_standard_import_cold_worker_ms', 0):.0f} ms "
        f"({cli.get('new_level_standard_import_cold_worker_cpu_ms', 0):.0f}), the spec edited (contract checks "
        f"cold too) {cli.get('new_level_standard_edited_ms', 0):.0f} ms ({cli.get('new_level_standard_edited_cpu_ms', 0):.0f}) (goal < 1 s); "
        f"importing the CLI "
        f"{cli['import_cli_ms']:.0f} ms; --level strict: {cli['new_level_strict_warm_ms']:.0f} ms "
        f"({cli['new_level_strict_warm_cpu_ms']:.0f}) with a warm mypy cache (goal < 2 s), "
        f"{cli['new_level_strict_cold_ms']:.0f} ms the first run (cold if the user's mypy cache was)"
    )


def run(runs: int = RUNS, memory_packages: int = MEMORY_PACKAGES) -> dict[str, Any]:
    specs = golden_specs()
    from codegen_ast.generate import generate
    from codegen_ast.validate import validate_generated

    validate_generated(generate(specs[0][1]))  # warm up imports and caches once
    packages = [{"case": case, **package_times(spec, runs)} for case, spec in specs]
    node_rows = compare_node_py(specs, runs)
    steps = [breakdown(spec, max(3, runs // 4)) for _, spec in specs]
    keys = [key for key in steps[0] if key != "selection_us"]
    where = {key: round(statistics.median(step.get(key, 0.0) for step in steps), 2) for key in keys}
    selection_us = statistics.median(s["selection_us"] for s in steps)
    median_package = statistics.median(row["package_ms"] for row in packages)
    # "for the same text": the ratio is the median over the cases whose texts are identical
    same = [row["ratio"] for row in node_rows if row["same_text"]]
    median_ratio = statistics.median(same) if same else float("nan")
    identical = sum(row["same_text"] for row in node_rows)
    result = {
        "benchmark": "generation",
        "runs": runs,
        "machine": machine(),
        "summary": {
            "median_package_ms": round(median_package, 2),
            "max_package_ms": max(row["package_ms"] for row in packages),
            "package_goal_ms": PACKAGE_GOAL_MS,
            "package_goal_met": median_package < PACKAGE_GOAL_MS,
            "median_node_ratio": round(median_ratio, 2),
            "node_ratio_goal": NODE_RATIO_GOAL,
            "node_ratio_goal_met": median_ratio <= NODE_RATIO_GOAL,
            "node_py_identical": f"{identical}/{len(node_rows)} effect cases",
            "selection_us": round(selection_us, 2),
            "selection_goal_met": selection_us < 20.0,
        },
        "packages": packages,
        "node_py": node_rows,
        "where_time_goes": where,
        "where_time_goes_per_case": {case: step for (case, _), step in zip(specs, steps, strict=True)},
        "memory": memory(memory_packages),
        "command_line": command_line(max(3, runs // 4)),
    }
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generation", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per measurement (default {RUNS})")
    parser.add_argument(
        "--memory-packages", type=int, default=MEMORY_PACKAGES, help=f"packages for the memory test (default {MEMORY_PACKAGES})"
    )
    parser.add_argument(
        "--no-gc-pause",
        action="store_true",
        help="keep the garbage collector on while generating (how it was before; for before/after numbers)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument(
        "--gc-ab",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="only compare generation with and without the collector pause, in ROUNDS alternating pairs of processes",
    )
    parser.add_argument("--command-line-only", action="store_true",
                        help="only the fresh-process figures of `codegen-ast new`, merged into the JSON there is")
    arguments = parser.parse_args(argv)
    if arguments.command_line_only:
        saved = json.loads(arguments.output.read_text(encoding="utf-8")) if arguments.output.is_file() else {}
        saved["command_line"] = command_line(arguments.runs)
        print_command_line(saved["command_line"])
        arguments.output.parent.mkdir(parents=True, exist_ok=True)
        arguments.output.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {arguments.output}")
        return saved
    if arguments.gc_ab:
        comparison = gc_pause_ab(arguments.gc_ab)
        print(json.dumps(comparison, indent=2))
        target = RESULTS.parent / "generation-gc-ab.json"
        target.write_text(json.dumps(comparison, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
        return comparison
    if arguments.no_gc_pause:
        os.environ[NO_GC_PAUSE] = "1"
    paused = apply_gc_pause_setting()
    result = run(arguments.runs, arguments.memory_packages)
    result["gc_paused_while_generating"] = paused
    print_tables(result)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {arguments.output}")
    return result


if __name__ == "__main__":
    main()
