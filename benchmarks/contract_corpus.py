"""The contract corpus end to end: every contract of tests/contracts/ generated, then the
packages validated at --level strict in one call (benchmarks are not tests).

    .venv/bin/python -m benchmarks.contract_corpus            # all 44, ~2 minutes
    .venv/bin/python -m benchmarks.contract_corpus --sample   # what tests/test_contract_corpus.py runs

Each contract is read (``read_spec``) and generated (``generate``) in this process;
the packages go to one folder, which ``codegen_ast.validate.validate`` checks at
level strict: syntax, structure, imports, security, completeness and mypy --strict
over all packages in one mypy call. Per contract it counts the errors and the
warnings, and sets apart the warnings that are only the framework's strict contract
model refusing a section codegen-ast carried unchanged from the source contract
(STR009 on a top-level key whose value in the generated contract.yaml is the
source's, e.g. ``published_events`` in the production shape): the contract keeps
its section as written (issue 13: nothing dropped), and that section alone keeps
the package from strict.

``--sample`` takes one contract per node type and routing strategy (the first by
name), plus one with a dotted operation per node type. Prints a table and writes
benchmarks/results/contract_corpus.json.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "contracts"
RESULTS = ROOT / "benchmarks" / "results" / "contract_corpus.json"
_DOTTED = re.compile(r"^\s*-?\s*operation: [a-z_]+\.[a-z_.]+\s*$", re.MULTILINE)


def corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.yaml"))


def _traits(path: Path) -> tuple[str, str, bool]:
    """(node type, routing strategy, has a dotted operation) as the contract writes them."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    node_type = str(data.get("node_type") or data.get("node_kind")).lower().removesuffix("_generic")
    routing = data.get("handler_routing")
    strategy = str(routing.get("routing_strategy", "operation_match")) if isinstance(routing, dict) else "none"
    return node_type, strategy, bool(_DOTTED.search(text))


def sample() -> list[Path]:
    """One contract per (node type, routing strategy), and one with a dotted operation per node type."""
    chosen: dict[tuple[str, str], Path] = {}
    for path in corpus():
        node_type, strategy, dotted = _traits(path)
        chosen.setdefault((node_type, strategy), path)
        if dotted:
            chosen.setdefault((node_type, "dotted"), path)
    return sorted(set(chosen.values()))


@dataclass
class Outcome:
    contract: str
    package: str = ""
    generated: bool = False
    problem: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # other than carried
    carried: list[str] = field(default_factory=list)  # STR009 on a section carried as written

    @property
    def strict(self) -> bool:
        return self.generated and not self.errors and not self.warnings and not self.carried


def _carried_unchanged(source: dict[str, Any], generated: dict[str, Any], message: str) -> bool:
    key = message.split(":", 1)[0].split(".", 1)[0].strip()
    return key in source and key in generated and source[key] == generated[key]


def run(paths: list[Path], folder: Path, mypy_cache: Path | None = None) -> tuple[list[Outcome], float, float, float]:
    """Read and generate ``paths`` into ``folder``; validate them at strict in one call.

    Returns the outcomes, the seconds reading (``read_spec``), the seconds generating
    (``generate`` and writing the files) and the seconds validating."""
    from codegen_ast.errors import CodegenError
    from codegen_ast.generate import generate
    from codegen_ast.readers import read_spec
    from codegen_ast.validate import validate

    outcomes: dict[str, Outcome] = {}
    sources: dict[str, dict[str, Any]] = {}
    reading = generating = 0.0
    for path in paths:
        outcome = Outcome(path.name)
        try:
            started = time.perf_counter()
            spec = read_spec(path).spec
            reading += time.perf_counter() - started
            started = time.perf_counter()
            package = generate(spec)
            package.write(folder)
            generating += time.perf_counter() - started
        except CodegenError as error:
            outcome.problem = str(error)
        else:
            outcome.generated, outcome.package = True, package.name
            outcomes[package.name] = outcome
            sources[package.name] = yaml.safe_load(path.read_text(encoding="utf-8"))
        outcomes.setdefault(path.name, outcome)
    started = time.perf_counter()
    report = validate([folder], level="strict", mypy_cache=mypy_cache, display_root=folder)
    validating = time.perf_counter() - started
    for finding in report.findings:
        name = Path(finding.file).parts[0]
        outcome = outcomes[name]
        text = f"{finding.file}:{finding.line}: {finding.rule} {finding.message}"
        if finding.severity == "error":
            outcome.errors.append(text)
        elif finding.rule == "STR009" and _carried_unchanged(
            sources[name], yaml.safe_load((folder / name / "contract.yaml").read_text(encoding="utf-8")), finding.message
        ):
            outcome.carried.append(text)
        else:
            outcome.warnings.append(text)
    assert "types" in report.stages, report.stages  # mypy --strict ran
    unique = {id(outcome): outcome for outcome in outcomes.values()}
    return sorted(unique.values(), key=lambda outcome: outcome.contract), reading, generating, validating


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    return {
        "contracts": len(outcomes),
        "generated": sum(outcome.generated for outcome in outcomes),
        "strict_valid": sum(outcome.strict for outcome in outcomes),
        "with_errors": sum(bool(outcome.errors) for outcome in outcomes),
        "with_other_warnings": sum(bool(outcome.warnings) for outcome in outcomes),
        "only_carried_sections_refused": sum(
            outcome.generated and not outcome.errors and not outcome.warnings and bool(outcome.carried)
            for outcome in outcomes
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="one contract per node type and routing strategy")
    arguments = parser.parse_args()
    paths = sample() if arguments.sample else corpus()
    with tempfile.TemporaryDirectory(prefix="contract-corpus-") as folder:
        outcomes, reading, generating, validating = run(paths, Path(folder), ROOT / ".mypy_cache")
    figures = summary(outcomes)
    print(f"{'contract':44} {'generated':>9} {'strict':>6} {'errors':>6} {'warnings':>8} {'carried':>7}")
    for outcome in outcomes:
        print(
            f"{outcome.contract:44} {outcome.generated!s:>9} {outcome.strict!s:>6} {len(outcome.errors):>6} "
            f"{len(outcome.warnings):>8} {len(outcome.carried):>7}"
        )
        for line in [outcome.problem, *outcome.errors, *outcome.warnings, *outcome.carried]:
            if line:
                print(f"    {line}")
    print(", ".join(f"{key} {value}" for key, value in figures.items()))
    print(f"reading {reading:.2f} s, generating {generating:.1f} s (reading / generating = {reading / generating:.3f}), "
          f"validating at strict (one mypy call) {validating:.1f} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "sample": arguments.sample,
                **figures,
                "seconds": {"reading": round(reading, 2), "generating": round(generating, 1),
                            "validating_strict": round(validating, 1)},
                "reading_over_generating": round(reading / generating, 3),
                "contracts_not_strict": {o.contract: [*o.errors, *o.warnings, *o.carried] for o in outcomes if not o.strict},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
