"""The corpus: each deliberately broken node yields exactly the findings its
`# expect:` markers name (rule and line); correct nodes and every generated
example package yield none, even at strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_ast.validate import RULES, Report
from codegen_ast.validate.import_check import BUILT_PACKAGES_ONLY
from tests.validate.conftest import CORPUS, EXAMPLES, GOLDEN, StrictRun, cases, expected_findings, found_in

STANDARD_CASES = cases("standard")
STRICT_CASES = cases("strict")


@pytest.mark.parametrize("case", STANDARD_CASES, ids=lambda case: case.name)
def test_standard_case_yields_exactly_its_expected_findings(case: Path, standard_report: Report) -> None:
    expected = expected_findings(case)
    assert expected, f"{case.name} declares no `# expect:` marker"
    assert found_in(standard_report, case) == expected


@pytest.mark.parametrize("case", STRICT_CASES, ids=lambda case: case.name)
def test_strict_case_yields_exactly_its_expected_findings(case: Path, strict_run: StrictRun) -> None:
    expected = expected_findings(case)
    if case.name.startswith("good_"):
        assert expected == set(), "a good node must not expect findings"
    else:
        assert expected, f"{case.name} declares no `# expect:` marker"
    assert found_in(strict_run.report, case) == expected


def test_every_rule_has_a_broken_node_in_the_corpus() -> None:
    declared = {rule for case in STANDARD_CASES + STRICT_CASES for _, _, rule in expected_findings(case)}
    assert declared == set(RULES) - BUILT_PACKAGES_ONLY  # those run on packages built in memory, not files


def test_correct_hand_written_nodes_are_clean_at_strict(strict_run: StrictRun) -> None:
    good = [case for case in STRICT_CASES if case.name.startswith("good_")]
    assert len(good) >= 3
    for case in good:
        assert found_in(strict_run.report, case) == set(), case.name
    assert "strict/good_ledger_effect/node_ledger_effect/node.py" in strict_run.report.files


def test_every_generated_example_passes_strict_with_zero_findings(strict_run: StrictRun) -> None:
    root = strict_run.generated_root.resolve().as_posix()
    generated_files = [path for path in strict_run.report.files if path.startswith(root)]
    assert len(EXAMPLES) >= 1
    assert len(generated_files) >= 11 * len(EXAMPLES)
    assert [finding for finding in strict_run.report.findings if finding.file.startswith(root)] == []


def test_every_golden_package_passes_strict_with_zero_findings(strict_run: StrictRun) -> None:
    root = GOLDEN.resolve().as_posix()
    contracts = [path for path in strict_run.report.files if path.startswith(root) and path.endswith("contract.yaml")]
    assert len(contracts) == len(list(GOLDEN.glob("*/spec.yaml"))) >= 24
    assert [finding for finding in strict_run.report.findings if finding.file.startswith(root)] == []


def test_the_seed_8_4_node_fails_strict_on_health_checks_and_envelope_events(strict_run: StrictRun) -> None:
    found = found_in(strict_run.report, CORPUS / "strict" / "seed_8_4")
    rules = {rule for _, _, rule in found}
    assert {"PAT001", "PAT003"} <= rules  # the seed: "health_check_mode", "OnexEnvelopeV1"
    assert not strict_run.report.passed


def test_all_packages_are_type_checked_in_as_few_mypy_calls_as_names_allow(strict_run: StrictRun) -> None:
    # examples/orders_effect.yaml and a golden case both generate node_orders_effect:
    # mypy refuses two modules of one name in a call, so exactly that package waits
    # for a second call; everything else shares the first.
    packages: dict[str, set[Path]] = {}
    for root in [CORPUS / "strict", GOLDEN, strict_run.generated_root]:
        for init in root.resolve().glob("**/node_*/__init__.py"):
            if init.parent.parent.name != "tests" and not (init.parent.parent / "__init__.py").exists():
                packages.setdefault(init.parent.name, set()).add(init.parent)
    most_repeated = max(len(places) for places in packages.values())
    assert len(strict_run.mypy_calls) == most_repeated == 2
    first = [argument for argument in strict_run.mypy_calls[0] if argument.endswith(".py")]
    assert "--strict" in strict_run.mypy_calls[0]
    checked_packages = {Path(path).parent.name for path in first} | {Path(path).parent.parent.name for path in first}
    assert set(packages) <= checked_packages
    second = [argument for argument in strict_run.mypy_calls[1] if argument.endswith(".py")]
    assert second and all("node_orders_effect" in path for path in second)


def test_manual_completion_counts_generated_defaults_as_lines_to_write(strict_run: StrictRun) -> None:
    figure = strict_run.report.manual_completion
    assert figure is not None
    root = strict_run.generated_root.resolve().as_posix()
    generated = [handler for handler in figure.handlers if handler.file.startswith(root)]
    defaults = [h for h in generated if '"""Generated default:' in Path(h.file).read_text(encoding="utf-8")]
    assert defaults, "the example generates at least one default handler"
    for handler in generated:  # generated defaults are to write; contract-derived handlers are written
        assert handler.to_write is (handler in defaults), handler
        assert handler.reason == ("generated default (codegen-ast)" if handler.to_write else "written")
    ledger = next(handler for handler in figure.handlers if "node_ledger_effect" in handler.file)
    assert ledger.name == "HandlerRecordEntry.handle" and not ledger.to_write
    seed = next(handler for handler in figure.handlers if "seed_8_4" in handler.file)
    assert seed.name == "NodeTest.execute_effect" and seed.to_write and seed.reason.startswith("CMP002")
    assert figure.lines_to_write == sum(handler.lines for handler in figure.handlers if handler.to_write)
    assert 0 < figure.share < 1  # type: ignore[operator]


def test_every_example_but_the_quickstart_needs_no_manual_completion(strict_run: StrictRun) -> None:
    """Examples that declare their behaviour (table, endpoints, events, state machine,
    formulas, workflow steps) leave nothing to write; the quickstart example shows
    the generated default handlers a spec without declarations gets."""
    figure = strict_run.report.manual_completion
    assert figure is not None
    root = strict_run.generated_root.resolve()
    lines_to_write: dict[str, int] = {}
    for handler in figure.handlers:
        if Path(handler.file).is_relative_to(root):
            package = Path(handler.file).relative_to(root).parts[0]
            lines_to_write[package] = lines_to_write.get(package, 0) + (handler.lines if handler.to_write else 0)
    assert len(lines_to_write) == len(EXAMPLES)
    for package, lines in lines_to_write.items():
        assert (lines > 0) is (package == "node_orders_effect"), (package, lines)
