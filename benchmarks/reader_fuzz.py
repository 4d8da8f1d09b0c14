"""Mutated contracts in every dialect, read: a NodeSpec or a clean error, never a crash.

    .venv/bin/python -m benchmarks.reader_fuzz                  # 10,000 examples
    .venv/bin/python -m benchmarks.reader_fuzz --examples 500

The seeds are every valid input the readers accept in the repository: the
examples (our NodeSpec YAML), the golden specs, and the ONEX ``contract.yaml``
and v2 contracts of the reader tests. Hypothesis mutates them:

- in the data: a value replaced by one of another type (None, numbers, huge
  ints, booleans, unicode text, lists, mappings, deep nesting), a key removed,
  renamed (close to a known key, unicode, a number) or added, an item repeated
  many times, a value wrapped in a list or a mapping;
- in the text: characters inserted or removed, lines repeated or re-indented,
  YAML syntax (anchors, aliases, tags, flow brackets, tabs, directives,
  document markers), a byte-order mark, NUL and control characters, bytes that
  are not UTF-8.

The property, checked on every example: ``read_spec`` returns a NodeSpec, or
raises the project's ``SpecError`` whose every problem names the file (and, when
the file could be parsed, the line and the field), within :data:`LIMIT_S` seconds.
Any other exception — a traceback, what the CLI would report as an internal
defect (exit 3) — or a read that runs past the limit fails it. Part of the
examples also goes through the command line (``explain``): exit 0 or 2, never 3.
tests/test_reader_fuzz.py runs the same property on a few hundred examples;
this module runs at least 10,000 and writes ``results/reader_fuzz.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from codegen_ast.errors import CodegenError, InternalError, SpecError
from codegen_ast.readers import detect_dialect, read_spec
from codegen_ast.readers.yaml_source import load_yaml

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 5.0  # a read running longer is a hang
SEEDS = sorted(
    [*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/cases/*/spec.yaml"),
     *(path for path in ROOT.glob("tests/readers/files/*.yaml") if not path.name.startswith("bad_"))]
)
KNOWN_KEYS = sorted({
    "name", "node_type", "description", "operations", "input_fields", "output_fields", "events",
    "publishes", "subscribes", "dependencies", "mixins", "capabilities", "http", "path", "method",
    "type", "required", "sensitive", "formula", "contract_version", "node_version", "io_operations",
    "handler_routing", "handlers", "handler", "event_bus", "input_model", "output_model",
    "state_machine", "states", "transitions", "node_id", "mixin_configuration", "mixin_name",
    "event_patterns", "input_schema", "output_schema", "properties", "items", "metadata", "workflow",
    "steps", "step", "parallel", "major", "minor", "patch", "event_type", "topic", "error_handling",
})
_YAML_BITS = ["&a ", "*a", "<<: *a\n", "!!python/object:os.system ", "!!binary ", "!!set ", "{", "}", "[",
              "]", ": ", "- ", "\t", "%YAML 1.1\n", "---\n", "...\n", "? ", "|\n", ">-\n", "#", "'", '"',
              "\\", "\ufeff", "\x00", "\x1b", "\u2028", "\U0001f600", "e\u0301", "\ud7ff", "~", "null", "0x1F",
              ".inf", "1e400", "- - - - - -", "{a: {b: {c: {d: [", "&x [*x]"]


def seed_texts() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in SEEDS}


# --- mutations ---------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["", " ", "str", "list[", "dict[str,", "int | None", "EFFECT_GENERIC", "effect", "compute",
                     "reducer", "orchestrator", "/items/{id}", "//evil/x", "a" * 300, "0.0.0", "1.2.3",
                     "password", "get_a1", "total", "operation_id", "date", "\x00", "\u202e", "Ω" * 70]),
    st.sampled_from(KNOWN_KEYS),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8),
                                                               inner, max_size=4),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _replace(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    _get(root, path[:-1])[path[-1]] = new
    return root


@st.composite
def mutate_data(draw: st.DrawFn, data: Any) -> Any:
    """One to three structural mutations of parsed YAML data."""
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        target = _get(data, path)
        action = draw(st.sampled_from(
            ["value", "value", "drop", "rename", "add", "repeat", "wrap_list", "wrap_dict", "deep", "to_text"]))
        if action == "value":
            data = _replace(data, path, draw(_VALUES))
        elif action == "drop" and path:
            parent = _get(data, path[:-1])
            del parent[path[-1]]
        elif action == "rename" and path and isinstance(path[-1], str):
            parent = _get(data, path[:-1])
            new_key = draw(st.sampled_from(KNOWN_KEYS) | st.text(max_size=12) | st.just(path[-1] + "s")
                           | st.just(path[-1].upper()) | st.integers(-3, 3) | st.none() | st.booleans())
            parent[new_key] = parent.pop(path[-1])
        elif action == "add" and isinstance(target, dict):
            target[draw(st.sampled_from(KNOWN_KEYS) | st.text(max_size=12))] = draw(_VALUES)
        elif action == "add" and isinstance(target, list):
            target.append(draw(_VALUES))
        elif action == "repeat" and isinstance(target, list) and target:
            target.extend([target[0]] * draw(st.sampled_from([1, 2, 70, 200])))
        elif action == "wrap_list":
            data = _replace(data, path, [target])
        elif action == "wrap_dict":
            data = _replace(data, path, {draw(st.sampled_from(KNOWN_KEYS)): target})
        elif action == "deep":
            depth = draw(st.sampled_from([10, 60, 70, 500]))
            nested: Any = target
            for _ in range(depth):
                nested = [nested] if draw(st.booleans()) else {"a": nested}
            data = _replace(data, path, nested)
        elif action == "to_text":
            data = _replace(data, path, json.dumps(target, default=str))
    return data


@st.composite
def mutate_text(draw: st.DrawFn, text: str) -> str | bytes:
    """One to three edits of the text itself; sometimes bytes that are not UTF-8."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or [""]
        action = draw(st.sampled_from(["insert", "insert", "delete", "dup_line", "indent", "swap", "truncate"]))
        position = draw(st.integers(0, len(text)))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(_YAML_BITS) | st.text(max_size=6)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)):]
        elif action == "dup_line":
            index = draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index] * draw(st.sampled_from([1, 2, 50])))
            text = "".join(lines)
        elif action == "indent":
            index = draw(st.integers(0, len(lines) - 1))
            lines[index] = draw(st.sampled_from([" ", "  ", "\t", "   "])) + lines[index]
            text = "".join(lines)
        elif action == "swap" and len(lines) > 1:
            first, second = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[first], lines[second] = lines[second], lines[first]
            text = "".join(lines)
        elif action == "truncate":
            text = text[:position]
    if draw(st.integers(0, 9)) == 0:
        encoded = text.encode("utf-8", "surrogatepass")
        cut = draw(st.integers(0, len(encoded)))
        return encoded[:cut] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"])) + encoded[cut:]
    return text


@st.composite
def mutated_inputs(draw: st.DrawFn, seeds: dict[str, str]) -> tuple[str, str | bytes]:
    """(seed name, mutated file content) for one example."""
    name = draw(st.sampled_from(sorted(seeds)))
    text = seeds[name]
    how = draw(st.sampled_from(["data", "data", "text", "both"]))
    if how in ("data", "both"):
        data = draw(mutate_data(yaml.safe_load(text)))
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(20_000)  # PyYAML's dumper recurses about 3 frames per level of a deep value
        try:
            text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                                  default_flow_style=draw(st.sampled_from([False, None, True])))
        finally:
            sys.setrecursionlimit(limit)
    if how in ("text", "both"):
        return name, draw(mutate_text(text))
    return name, text


# --- the property ------------------------------------------------------------

class Hang(Exception):
    """A read ran past LIMIT_S."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_once(path: Path, content: str | bytes) -> str:
    """Write ``content`` to ``path`` and read it: "spec", "error" or an AssertionError."""
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_bytes(content)
    try:
        with time_limit(LIMIT_S):
            read_spec(path)
    except SpecError as error:
        assert error.problems, "a SpecError without a problem"
        for problem in error.problems:
            assert problem.path == path, f"the problem names {problem.path}, not the file: {problem}"
            assert problem.message.strip(), f"an empty message: {problem}"
        return "error"
    except Hang:
        raise AssertionError(f"no answer within {LIMIT_S} s") from None
    except CodegenError as error:
        assert not isinstance(error, InternalError) and error.exit_code == 2, f"exit {error.exit_code}: {error}"
        return "error"
    except Exception as error:  # a traceback: where in codegen_ast it came from
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "codegen_ast" in frame.filename]
        site = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        raise AssertionError(f"{type(error).__name__} at {site}: {str(error)[:200]}") from error
    return "spec"


def cli_once(path: Path) -> int:
    """``codegen-ast explain PATH``: its exit code; 0 or 2, never a crash or an internal error (3)."""
    from click.testing import CliRunner

    from codegen_ast.cli import main

    result = CliRunner().invoke(main, ["explain", str(path)])
    assert isinstance(result.exception, SystemExit | None), f"traceback: {result.exception!r}\n{result.output}"
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output, result.output
    return result.exit_code


def run(examples: int, folder: Path, cli_every: int = 25, seed: int | None = None) -> dict[str, Any]:
    """Check the property on ``examples`` mutated inputs; the tallies and every distinct failure.

    A failure does not stop the run (each distinct one is kept with the input that
    showed it first), so one run finds every defect, not the first."""
    seeds = seed_texts()
    tally: Counter[str] = Counter()
    dialects: Counter[str] = Counter()
    failures: dict[str, dict[str, str]] = {}
    slowest = [0.0, ""]
    path = folder / "fuzzed.yaml"

    @settings(max_examples=examples, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(mutated_inputs(seeds))
    def check(case: tuple[str, str | bytes]) -> None:
        name, content = case
        started = time.perf_counter()
        try:
            outcome = read_once(path, content)
            if outcome == "spec":
                dialects[detect_dialect(load_yaml(path))] += 1
            if (tally.total() + 1) % cli_every == 0:
                tally[f"cli exit {cli_once(path)}"] += 1
        except AssertionError as error:
            outcome = "failure"
            failures.setdefault(str(error).split(": ")[0], {
                "error": str(error)[:400], "seed": name,
                "input": content if isinstance(content, str) else content.decode("utf-8", "replace")})
        elapsed = time.perf_counter() - started
        if elapsed > slowest[0]:
            slowest[:] = [elapsed, name]
        tally[outcome] += 1

    started = time.perf_counter()
    check()
    return {
        "examples": tally["spec"] + tally["error"] + tally["failure"], "read to a NodeSpec": tally["spec"],
        "clean error": tally["error"], "failed": tally["failure"],
        "through the CLI": {k: v for k, v in tally.items() if k.startswith("cli")},
        "NodeSpecs by dialect": dict(dialects), "seeds": len(seeds), "failures": list(failures.values()),
        "slowest read s": round(slowest[0], 3), "slowest seed": slowest[1],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="codegen-ast-fuzz-") as folder:
        result = run(arguments.examples, Path(folder))
    result["date"] = time.strftime("%Y-%m-%d %H:%M")
    result["load average"] = [round(value, 2) for value in os.getloadavg()]
    out = ROOT / "benchmarks" / "results" / "reader_fuzz.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
