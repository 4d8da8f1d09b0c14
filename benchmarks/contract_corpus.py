"""The contract corpus end to end: every contract of tests/contracts/ generated, then the
packages validated at --level strict in one call (benchmarks are not tests).

    .venv/bin/python -m benchmarks.contract_corpus            # all 44, ~2 minutes
    .venv/bin/python -m benchmarks.contract_corpus --sample   # what tests/test_contract_corpus.py runs
    .venv/bin/python -m benchmarks.contract_corpus --shape declarative --contracts DIR   # another shape, folder

Each contract is read (``read_spec``) and generated (``generate``) in this process;
the packages go to one folder, which ``codegen_ast.validate.validate`` checks at
level strict: syntax, structure, imports, security, completeness and mypy --strict
over all packages in one mypy call. Per contract it counts the errors and the
warnings (either fails strict), and the notes (STR012, which fail no level): the
framework's strict contract model refusing a section codegen-ast carried unchanged
from the source contract (e.g. ``published_events`` in the production shape). The
contract keeps its section as written (issue 13: nothing dropped, nothing
rewritten); the framework's own check and runtime accept it.

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


def corpus(folder: Path = CORPUS) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


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
    carried: list[str] = field(default_factory=list)  # STR012 notes: a section carried as written

    @property
    def strict(self) -> bool:
        """``validate --level strict`` passes the package (a note fails no level)."""
        return self.generated and not self.errors and not self.warnings


def _carried_unchanged(source: dict[str, Any], generated: dict[str, Any], message: str) -> bool:
    key = message.split(":", 1)[0].split(".", 1)[0].strip()
    return key in source and key in generated and source[key] == generated[key]


def run(
    paths: list[Path], folder: Path, mypy_cache: Path | None = None, shape: str = "imperative"
) -> tuple[list[Outcome], float, float, float]:
    """Read and generate ``paths`` into ``folder`` in ``shape``; validate them at strict in one call.

    Returns the outcomes, the seconds reading (``read_spec``), the seconds generating
    (``generate`` and writing the files) and the seconds validating."""
    from codegen_ast.declarative.generate import generate_declarative
    from codegen_ast.declarative.support_folder import write_support
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
            package = generate_declarative(spec) if shape == "declarative" else generate(spec)
            package.write(folder)
            generating += time.perf_counter() - started
        except CodegenError as error:
            outcome.problem = str(error)
        else:
            outcome.generated, outcome.package = True, package.name
            outcomes[package.name] = outcome
            sources[package.name] = yaml.safe_load(path.read_text(encoding="utf-8"))
        outcomes.setdefault(path.name, outcome)
    if shape == "declarative":
        write_support(folder)
    started = time.perf_counter()
    report = validate([folder], level="strict", mypy_cache=mypy_cache, display_root=folder)
    validating = time.perf_counter() - started
    for finding in report.findings:
        name = Path(finding.file).parts[0]
        if name not in outcomes:  # the declarative shape's onex_support beside the packages: said, not counted
            print(f"outside the packages: {finding.file}:{finding.line}: {finding.rule} {finding.message}")
            continue
        outcome = outcomes[name]
        text = f"{finding.file}:{finding.line}: {finding.rule} {finding.message}"
        if finding.severity == "error":
            outcome.errors.append(text)
        elif finding.severity == "note":
            assert finding.rule == "STR012" and _carried_unchanged(
                sources[name], yaml.safe_load((folder / name / "contract.yaml").read_text(encoding="utf-8")), finding.message
            ), text
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
        "strict_valid_with_carried_section_notes": sum(outcome.strict and bool(outcome.carried) for outcome in outcomes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="one contract per node type and routing strategy")
    parser.add_argument("--shape", choices=("imperative", "declarative"), default="imperative")
    parser.add_argument("--contracts", type=Path, default=None, help="another folder of contract files (*.yaml)")
    parser.add_argument("--keep", type=Path, default=None, help="write the packages here (kept) instead of a temporary folder")
    arguments = parser.parse_args()
    paths = corpus(arguments.contracts) if arguments.contracts else sample() if arguments.sample else corpus()
    with tempfile.TemporaryDirectory(prefix="contract-corpus-") as temporary:
        folder = arguments.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        outcomes, reading, generating, validating = run(paths, folder, ROOT / ".mypy_cache", arguments.shape)
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
    if arguments.contracts or arguments.shape != "imperative":
        return  # results/contract_corpus.json holds the figures of the project's own corpus
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "sample": arguments.sample,
                **figures,
                "seconds": {"reading": round(reading, 2), "generating": round(generating, 1),
                            "validating_strict": round(validating, 1)},
                "reading_over_generating": round(reading / generating, 3),
                "contracts_not_strict": {o.contract: [*o.errors, *o.warnings] for o in outcomes if not o.strict},
                "carried_section_notes": {o.contract: o.carried for o in outcomes if o.carried},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
