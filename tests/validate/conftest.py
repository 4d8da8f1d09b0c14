"""Shared runs of the validator: each level's corpus is validated in one call."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import Report, validate
from codegen_ast.validate import mypy_daemon

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
MYPY_CACHE = ROOT / ".mypy_cache"  # shared with the rest of the suite, kept across runs
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "cases"  # golden packages: tests/cases/<case>/node_*/
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*)")


def expected_findings(case: Path) -> set[tuple[str, int, str]]:
    """(path relative to CORPUS, line, rule) for every `# expect: RULE, ...` marker in a case."""
    files = [case] if case.is_file() else sorted(p for p in case.rglob("*") if p.suffix in (".py", ".yaml"))
    expected = set()
    for path in files:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(text)
            if match:
                for rule in match.group(1).split(","):
                    expected.add((path.relative_to(CORPUS).as_posix(), number, rule.strip()))
    return expected


def count_worker_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packages IMP003's import check will send to its worker (not answered from disk or by the import server)."""
    from codegen_ast.validate import import_check

    sent: list[str] = []
    real = import_check.PendingImport.__init__

    def counting(self: import_check.PendingImport, executable: str, root: Path, package: str,
                 remember: Path | None = None) -> None:
        sent.append(package)
        real(self, executable, root, package, remember)

    monkeypatch.setattr(import_check.PendingImport, "__init__", counting)
    return sent


def cases(level: str) -> list[Path]:
    return sorted((CORPUS / level).iterdir())


def found_in(report: Report, case: Path) -> set[tuple[str, int, str]]:
    prefix = case.relative_to(CORPUS).as_posix()
    return {
        (finding.file, finding.line, finding.rule)
        for finding in report.findings
        if finding.file == prefix or finding.file.startswith(prefix + "/")
    }


@pytest.fixture(scope="session")
def standard_report() -> Report:
    return validate([CORPUS / "standard"], level="standard", display_root=CORPUS)


@dataclass
class StrictRun:
    report: Report
    generated_root: Path
    mypy_calls: list[list[str]]


@pytest.fixture(scope="session")
def strict_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StrictRun]:
    """The strict corpus, every golden package and every example package: ONE validate (and mypy) call."""
    generated_root = tmp_path_factory.mktemp("examples")
    for spec in EXAMPLES:
        generate(read_node_spec(spec)).write(generated_root)
    calls: list[list[str]] = []
    real_run = mypy_daemon.mypy_api.run

    def spy(arguments: list[str]) -> tuple[str, str, int]:
        calls.append(list(arguments))
        return real_run(arguments)

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(mypy_daemon.mypy_api, "run", spy)
    try:
        report = validate(
            [CORPUS / "strict", GOLDEN, generated_root],
            level="strict",
            mypy_cache=MYPY_CACHE,
            display_root=CORPUS,
        )
    finally:
        monkeypatch.undo()
    yield StrictRun(report, generated_root, calls)


def count_probe_asks(monkeypatch: pytest.MonkeyPatch, answers: Path) -> list[int]:
    """Contract answers kept in ``answers`` (a test's own folder); the returned list gets the
    number of contracts of each request sent to the probe server."""
    from typing import Any

    from codegen_ast.validate import target_env

    monkeypatch.setattr(target_env, "_ANSWERS", target_env.ContractAnswers(answers))
    asked: list[int] = []
    real = target_env._ask_probe_server

    def counting(executable: str, request: dict[str, Any]) -> dict[str, Any]:
        asked.append(len(request.get("contracts") or []))
        return real(executable, request)

    monkeypatch.setattr(target_env, "_ask_probe_server", counting)
    return asked
