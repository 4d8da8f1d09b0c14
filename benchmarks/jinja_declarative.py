"""The declarative node.py and handlers: ours against Jinja2 + black, for the same text (benchmarks are not tests).

    .venv/bin/python -m benchmarks.jinja_declarative            # ~1 minute
    .venv/bin/python -m benchmarks.jinja_declarative --runs 5   # quicker, noisier

Issue 21's goal: "``node.py`` and the handlers at most 1.0x Jinja2 + black, for the
same text in the same run", measured on what ``codegen-ast new`` writes by default, the
declarative shape. For each of the 24 golden specs (tests/cases/*/spec.yaml), the set
of its node.py and handler files:

- ``node.py`` (the shell), ``handler.py`` (the entry handler), ``handlers/__init__.py``,
  ``handlers/handler_<operation>.py`` (one per operation: OperationHandler's ``run``,
  cache-aside ``run`` + ``compute``, or FoldHandler's ``fold``) and the discovery
  pattern's ``handlers/handler_node_discovery.py``: every handler file kind the goldens
  produce.

**Ours**, as ``generate_declarative`` does it: the node context and the pattern
contributions (which carry the handlers' bodies), the LibCST trees of those files (the
generator's own functions, :func:`codegen_ast.declarative.generate.entry_modules` and
``operation_handlers``, and the discovery contribution's module), their code, and
**one** ``ruff format`` call for the set (:func:`codegen_ast.emit.emit_all`, as the
generator formats a package: one ruff process for all its files). The generator's one
call covers the whole package (13-17 files); here the ruff process start is charged to
this set alone, which overstates our share.

**Jinja2 + black**: a context computed from the spec (names, and from the selector
which operations are cached), the templates in benchmarks/templates/declarative/
rendered, each text formatted by black (``codegen_ast.emit.format_source``: black,
same mode, the garbage collector paused as for ours). The templates write each long
line once and leave its split to black, as a template user would.

Both sides run interleaved, ``--runs`` times per golden, after a warm-up. Measured:
wall time, and CPU time of this process plus the children it waited for (ruff's; the
headline, since the machine is shared and ruff may use a second core). Every text is
compared before any timing: a golden whose texts are not byte-identical gets no ratio,
and the benchmark reports no median ratio unless every text is identical (exit 1).

Per file kind (CPU, fewer runs): our tree building + codegen (the trees are built
together, so the context, contributions and building are shared out by each kind's
share of LibCST's codegen time), the set's ruff call shared out by the kind's share of
the set's lines (ruff's work is linear in the text; its process start is shared by the
whole call, so any split of it is a convention), the template's rendering (the context
shared out likewise) and black, measured. The ratio per kind is the sum over the
goldens of ours over the sum of theirs. A small file gets a large share of the ruff
process start: node.py (19-22 lines) is the kind this convention is hardest on.

Writes benchmarks/results/jinja_declarative.json. Needs the ``bench`` extra for
Jinja2 (``.venv/bin/pip install -e '.[bench]'``); the generator never imports it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generation import golden_specs, jinja_environment, machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "jinja_declarative.json"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "declarative"
RUNS = 15
RATIO_GOAL = 1.0
KINDS = ("node.py", "handler.py", "handlers/__init__.py", "operation handler", "discovery handler")
DISCOVERY = "handlers/handler_node_discovery.py"
# an output field nothing answers: the plain value of its type (codegen_ast.files.values)
EMPTY = {"str": '""', "int": "0", "float": "0.0", "bool": "False", "list": "[]", "dict": "{}"}


def kind_of(path: str) -> str:
    if path in ("node.py", "handler.py", "handlers/__init__.py"):
        return path
    return "discovery handler" if path == DISCOVERY else "operation handler"


# --- ours -------------------------------------------------------------------------


def our_trees(spec: Any) -> dict[str, Any]:
    """The LibCST trees of node.py and the handler files, built by the generator's functions."""
    from codegen_ast.declarative.generate import entry_modules, operation_handlers
    from codegen_ast.declarative.names import DeclarativeNames
    from codegen_ast.generate import node_context
    from codegen_ast.patterns.registry import build_declarative_contributions

    context = node_context(spec)
    contributions = build_declarative_contributions(context)
    names = DeclarativeNames.of(spec)
    trees = {**entry_modules(spec, context, names, contributions),
             **operation_handlers(spec, context, names, contributions)}
    for contribution in contributions:
        trees |= {path: tree for path, tree in contribution.modules.items() if path.startswith("handlers/")}
    return trees


def ours(spec: Any) -> dict[str, str]:
    """node.py and the handlers, built and formatted as generate_declarative does (one ruff call)."""
    from codegen_ast.emit import emit_all

    return emit_all(dict(sorted(our_trees(spec).items())), ruff=True)


# --- Jinja2 + black ---------------------------------------------------------------


def load_templates() -> dict[str, Any]:
    environment = jinja_environment(TEMPLATES)
    environment.filters["pyrepr"] = repr  # a Python literal; black turns its quotes into ""
    names = ("node.py", "handler.py", "handlers_init.py", "operation_handler.py", "discovery_handler.py")
    return {name: environment.get_template(f"{name}.j2") for name in names}


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def template_context(spec: Any) -> dict[str, Any]:
    """What the templates are given: the spec's names, and from the selector the
    patterns (which operations answer cache-aside, whether discovery is on)."""
    from codegen_ast.selection import select

    patterns = select(spec).patterns
    camel_name = camel(spec.name)
    resources = f"{camel_name}Resources"
    generic = spec.node_type in ("compute", "reducer")
    fold = spec.node_type == "reducer" and spec.state_machine is None
    caches = "caching" in patterns and spec.node_type in ("compute", "reducer") and spec.state_machine is None
    cached = set(spec.cache.operations if spec.cache is not None and spec.cache.operations else
                 [op.name for op in spec.effective_operations]) if caches else set()
    inputs = {field.name: field.type for field in spec.input_fields}
    answers = [("operation", "request.operation"), ("correlation_id", "request.correlation_id")]
    for field in spec.output_fields:
        if inputs.get(field.name) == field.type:
            answers.append((field.name, f"request.{field.name}"))
        elif not field.type.optional:
            answers.append((field.name, EMPTY[field.type.kind if field.type.kind in EMPTY else field.type.scalar]))
    operations = [
        {
            "name": op.name,
            "routed": op.routed or op.name,
            "module": spec.handler_file(op.name),
            "handler": spec.handler_class(op.name),
            "summary": op.description or f"The {op.name} operation of {spec.class_name}.",
            "base": "FoldHandler" if fold else "OperationHandler",
            "fold": fold,
            "cached": op.name in cached,
        }
        for op in spec.effective_operations
    ]
    discovery = "discovery" in patterns
    exports = [(op["module"], op["handler"]) for op in operations]
    if discovery:
        exports.append(("handler_node_discovery", "HandlerNodeDiscovery"))
    return {
        "name": spec.name,
        "node_type": spec.node_type,
        "class_name": spec.class_name,
        "description": spec.description,
        "version": tuple(int(part) for part in spec.version.split(".")[:3]),
        "capabilities": tuple(spec.capabilities),
        "routed_operations": tuple(op["routed"] for op in operations),
        "base": f"Node{spec.node_type.capitalize()}",
        "base_module": "omnibase_core.nodes",
        "generic": generic,
        "request_model": spec.input_model_class,
        "answer_model": spec.output_model_class,
        "request_module": spec.input_model_file,
        "answer_module": spec.output_model_file,
        "entry_class": f"{camel_name}Operations",
        "resources_class": resources,
        "registry_module": f"registry_{spec.name}",
        "registry_imports": sorted(["REGISTRY", resources]),
        "operations": operations,
        "route_imports": sorted((op["module"], op["handler"]) for op in operations),
        "handler_exports": sorted(exports),
        "answers": answers,
        "discovery": discovery,
    }


def rendered(templates: dict[str, Any], spec: Any) -> dict[str, str]:
    """The rendered (unformatted) texts, path -> text."""
    context = template_context(spec)
    texts = {
        "node.py": templates["node.py"].render(context),
        "handler.py": templates["handler.py"].render(context),
        "handlers/__init__.py": templates["handlers_init.py"].render(context),
    }
    for op in context["operations"]:
        texts[f"handlers/{op['module']}.py"] = templates["operation_handler.py"].render(context, op=op)
    if context["discovery"]:
        texts[DISCOVERY] = templates["discovery_handler.py"].render(context)
    return texts


def theirs(templates: dict[str, Any], spec: Any) -> dict[str, str]:
    """The same files as a template user makes them: rendered, each formatted by black."""
    from codegen_ast.emit import format_source

    return {path: format_source(text) for path, text in rendered(templates, spec).items()}


# --- measuring --------------------------------------------------------------------


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(action: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and of the children it waited for)."""
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu + _children_cpu() - children


def differences(our_texts: dict[str, str], their_texts: dict[str, str]) -> list[str]:
    """A short unified diff per file whose texts differ (or that one side lacks)."""
    found = []
    for path in sorted(set(our_texts) | set(their_texts)):
        mine, other = our_texts.get(path), their_texts.get(path)
        if mine != other:
            diff = difflib.unified_diff((other or "").splitlines(), (mine or "").splitlines(),
                                        f"jinja2/{path}", f"ours/{path}", lineterm="", n=1)
            found.append("\n".join(list(diff)[:12]))
    return found


def per_kind(spec: Any, templates: dict[str, Any], runs: int) -> dict[str, dict[str, float]]:
    """Median ms per file kind: our build + codegen, template rendering, black, and lines."""
    from codegen_ast.emit import format_source

    samples: dict[str, dict[str, list[float]]] = {kind: {"build": [], "render": [], "black": []} for kind in KINDS}
    lines: dict[str, int] = {}
    files: dict[str, int] = {}
    for _ in range(runs):
        started = time.process_time()
        trees = our_trees(spec)
        shared = time.process_time() - started  # the trees are built together; split below by codegen share
        codes: dict[str, tuple[str, float]] = {}
        for path, tree in trees.items():
            begun = time.process_time()
            codes[path] = (tree.code, time.process_time() - begun)
        codegen_total = sum(seconds for _, seconds in codes.values()) or 1.0
        texts = rendered(templates, spec)
        for kind in KINDS:
            paths = [path for path in trees if kind_of(path) == kind]
            if not paths:
                continue
            codegen = sum(codes[path][1] for path in paths)
            samples[kind]["build"].append(codegen + shared * codegen / codegen_total)
            begun = time.process_time()
            for path in paths:
                format_source(texts[path])
            samples[kind]["black"].append(time.process_time() - begun)
            lines[kind] = sum(codes[path][0].count("\n") for path in paths)
            files[kind] = len(paths)
    render_samples = render_per_kind(spec, templates, runs)
    result = {}
    for kind, values in samples.items():
        if values["build"]:
            result[kind] = {"build_ms": statistics.median(values["build"]) * 1000.0,
                            "render_ms": render_samples[kind],
                            "black_ms": statistics.median(values["black"]) * 1000.0,
                            "lines": lines[kind], "files": files[kind]}
    return result


def render_per_kind(spec: Any, templates: dict[str, Any], runs: int) -> dict[str, float]:
    """Median ms of the context plus each kind's rendering (the context charged to every kind in
    proportion to its rendering time)."""
    totals: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(runs):
        begun = time.process_time()
        context = template_context(spec)
        shared = time.process_time() - begun
        spent = dict.fromkeys(KINDS, 0.0)
        for kind, name, extra in (("node.py", "node.py", [{}]), ("handler.py", "handler.py", [{}]),
                                  ("handlers/__init__.py", "handlers_init.py", [{}]),
                                  ("operation handler", "operation_handler.py", [{"op": op} for op in context["operations"]]),
                                  ("discovery handler", "discovery_handler.py", [{}] if context["discovery"] else [])):
            begun = time.process_time()
            for more in extra:
                templates[name].render(context, **more)
            spent[kind] = time.process_time() - begun
        whole = sum(spent.values()) or 1.0
        for kind in KINDS:
            totals[kind].append(spent[kind] + shared * spent[kind] / whole)
    return {kind: statistics.median(values) * 1000.0 for kind, values in totals.items()}


def run(runs: int) -> dict[str, Any]:
    specs = golden_specs()
    templates = load_templates()
    rows: list[dict[str, Any]] = []
    kinds: dict[str, dict[str, list[float]]] = {}
    refused: dict[str, list[str]] = {}
    for case, spec in specs:  # warm-up and the identity check, before any timing
        mine, other = ours(spec), theirs(templates, spec)
        found = differences(mine, other)
        if found:
            refused[case] = found
        rows.append({"case": case, "files": len(mine), "identical": len(mine) - len(found),
                     "lines": sum(text.count("\n") for text in mine.values())})
    for row, (case, spec) in zip(rows, specs, strict=True):
        samples: dict[str, list[float]] = {"ours_wall": [], "ours_cpu": [], "jinja_wall": [], "jinja_cpu": [],
                                           "ruff_wall": [], "ruff_cpu": []}
        codes = {path: tree.code for path, tree in sorted(our_trees(spec).items())}
        for _ in range(runs):  # interleaved, so both see the same machine
            wall, cpu = measure(lambda: ours(spec))  # noqa: B023 -- called at once
            samples["ours_wall"].append(wall)
            samples["ours_cpu"].append(cpu)
            wall, cpu = measure(lambda: theirs(templates, spec))  # noqa: B023
            samples["jinja_wall"].append(wall)
            samples["jinja_cpu"].append(cpu)
            from codegen_ast.emit import format_sources

            wall, cpu = measure(lambda: format_sources(codes, ruff=True))  # noqa: B023
            samples["ruff_wall"].append(wall)
            samples["ruff_cpu"].append(cpu)
        medians = {key: statistics.median(values) * 1000.0 for key, values in samples.items()}
        row.update({key.replace("_wall", "_wall_ms").replace("_cpu", "_cpu_ms"): round(value, 2)
                    for key, value in medians.items()})
        same = case not in refused
        row["ratio_cpu"] = round(medians["ours_cpu"] / medians["jinja_cpu"], 2) if same else None
        row["ratio_wall"] = round(medians["ours_wall"] / medians["jinja_wall"], 2) if same else None
        kind_rows = per_kind(spec, templates, max(3, runs // 3))
        set_lines = sum(value["lines"] for value in kind_rows.values())
        for kind, value in kind_rows.items():
            share = medians["ruff_cpu"] * value["lines"] / set_lines
            entry = kinds.setdefault(kind, {"ours": [], "jinja": [], "build": [], "ruff share": [], "render": [],
                                            "black": [], "files": []})
            entry["files"].append(value["files"])
            if same:
                entry["ours"].append(value["build_ms"] + share)
                entry["jinja"].append(value["render_ms"] + value["black_ms"])
            entry["build"].append(value["build_ms"])
            entry["ruff share"].append(share)
            entry["render"].append(value["render_ms"])
            entry["black"].append(value["black_ms"])
    identical = sum(row["identical"] for row in rows)
    files = sum(row["files"] for row in rows)
    ratios_cpu = [row["ratio_cpu"] for row in rows if row["ratio_cpu"] is not None]
    ratios_wall = [row["ratio_wall"] for row in rows if row["ratio_wall"] is not None]
    every = not refused
    summary = {
        "identical_texts": f"{identical}/{files}",
        "all_identical": every,
        "median_ratio_cpu": round(statistics.median(ratios_cpu), 2) if every else None,
        "median_ratio_wall": round(statistics.median(ratios_wall), 2) if every else None,
        "ratio_goal": RATIO_GOAL,
    }
    summary["goal_met"] = every and summary["median_ratio_cpu"] <= RATIO_GOAL
    by_kind = {}
    for kind in KINDS:
        if kind not in kinds:
            continue
        entry = kinds[kind]
        ours_ms = sum(entry["ours"])
        jinja_ms = sum(entry["jinja"])
        by_kind[kind] = {
            "files_in_goldens": sum(entry["files"]),
            "goldens": len(entry["build"]),
            "ours_build_codegen_ms": round(statistics.median(entry["build"]), 3),
            "ours_ruff_share_ms": round(statistics.median(entry["ruff share"]), 3),
            "jinja_render_ms": round(statistics.median(entry["render"]), 3),
            "black_ms": round(statistics.median(entry["black"]), 3),
            "ratio_cpu": round(ours_ms / jinja_ms, 2) if every and jinja_ms else None,
        }
    return {"machine": machine(), "runs": runs, "specs": len(specs), "shape": "declarative", "summary": summary,
            "per_kind": by_kind, "per_golden": rows, "refused": refused}


def print_tables(result: dict[str, Any]) -> None:
    print(f"{'golden':<24}{'files':>6}{'same':>5}{'lines':>6}{'ours CPU':>9}{'J2+black':>9}{'ratio':>7}"
          f"{'ours wall':>10}{'J2 wall':>8}{'ratio':>7}{'ruff CPU':>9}")
    for row in result["per_golden"]:
        ratio = f"{row['ratio_cpu']:.2f}" if row["ratio_cpu"] is not None else "-"
        ratio_wall = f"{row['ratio_wall']:.2f}" if row["ratio_wall"] is not None else "-"
        print(f"{row['case']:<24}{row['files']:>6}{row['identical']:>5}{row['lines']:>6}{row['ours_cpu_ms']:>9.1f}"
              f"{row['jinja_cpu_ms']:>9.1f}{ratio:>7}{row['ours_wall_ms']:>10.1f}{row['jinja_wall_ms']:>8.1f}"
              f"{ratio_wall:>7}{row['ruff_cpu_ms']:>9.1f}")
    print()
    print(f"{'file kind (median per golden, CPU ms)':<40}{'files':>6}{'build':>7}{'ruff':>7}{'render':>8}{'black':>7}"
          f"{'ratio':>7}")
    for kind, row in result["per_kind"].items():
        ratio = f"{row['ratio_cpu']:.2f}" if row["ratio_cpu"] is not None else "-"
        print(f"{kind:<40}{row['files_in_goldens']:>6}{row['ours_build_codegen_ms']:>7.2f}{row['ours_ruff_share_ms']:>7.2f}"
              f"{row['jinja_render_ms']:>8.2f}{row['black_ms']:>7.2f}{ratio:>7}")
    summary = result["summary"]
    for case, found in result["refused"].items():
        print(f"\n{case}: texts differ, no ratio:\n" + "\n".join(found))
    if summary["all_identical"]:
        print(f"\nmedian ratio ours / Jinja2+black: CPU {summary['median_ratio_cpu']:.2f}x, wall "
              f"{summary['median_ratio_wall']:.2f}x (goal <= {RATIO_GOAL}x, CPU: "
              f"{'met' if summary['goal_met'] else 'NOT met'}); texts identical: {summary['identical_texts']}")
    else:
        print(f"\nno ratio reported: texts identical {summary['identical_texts']} (all must be)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.jinja_declarative", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per golden (default {RUNS})")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    arguments = parser.parse_args(argv)
    result = run(arguments.runs)
    print_tables(result)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {arguments.output.relative_to(ROOT) if arguments.output.is_relative_to(ROOT) else arguments.output}")
    return 0 if result["summary"]["all_identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
