"""Strict validation keeps mypy warm in its daemon, and never depends on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import mypy_daemon, validate
from codegen_ast.validate.target_env import TargetPython
from codegen_ast.validate.typecheck import mypy_flags
from tests.conftest import EXAMPLE_SPEC, MYPY_CACHE


@pytest.fixture
def daemon_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The daemon enabled; yields the arguments of each in-process mypy run; stops the daemon after."""
    monkeypatch.setenv("CODEGEN_AST_MYPY_DAEMON", "1")
    in_process: list[list[str]] = []
    real_run = mypy_daemon.mypy_api.run

    def spy(arguments: list[str]) -> tuple[str, str, int]:
        in_process.append(list(arguments))
        return real_run(arguments)

    monkeypatch.setattr(mypy_daemon.mypy_api, "run", spy)
    flags = mypy_flags(TargetPython(), MYPY_CACHE.absolute())
    mypy_daemon.stop(flags, MYPY_CACHE.absolute())
    try:
        yield in_process
    finally:
        mypy_daemon.stop(flags, MYPY_CACHE.absolute())


def _package(root: Path) -> Path:
    generate(read_node_spec(EXAMPLE_SPEC)).write(root)
    return root / "node_orders_effect"


def _type_errors(report_root: Path) -> list[str]:
    report = validate([report_root], level="strict", mypy_cache=MYPY_CACHE, display_root=report_root)
    return [f"{finding.file}:{finding.line}: {finding.message}" for finding in report.findings if finding.rule == "TYP001"]


def test_the_first_strict_check_runs_here_and_later_ones_go_to_the_daemon(
    daemon_on: list[list[str]], tmp_path: Path
) -> None:
    package = _package(tmp_path / "a")
    assert _type_errors(tmp_path / "a") == []
    assert len(daemon_on) == 1 and "--cache-fine-grained" in daemon_on[0]  # here, writing what the daemon reads

    # the daemon answers the next check, and still finds a planted type error
    handler = package / "handlers" / "handler_create_order.py"
    handler.write_text(handler.read_text() + "\n\ncount: int = 'many'\n")
    errors = _type_errors(tmp_path / "a")
    assert len(daemon_on) == 1, "the second check ran in this process, not in the daemon"
    assert len(errors) == 1 and "handler_create_order.py" in errors[0] and "[assignment]" in errors[0]

    # another package, in another folder: still the daemon, and clean
    _package(tmp_path / "b")
    assert _type_errors(tmp_path / "b") == []
    assert len(daemon_on) == 1


def test_a_dead_daemon_is_replaced_by_a_check_in_this_process(daemon_on: list[list[str]], tmp_path: Path) -> None:
    flags = mypy_flags(TargetPython(), MYPY_CACHE.absolute())
    _package(tmp_path)
    assert _type_errors(tmp_path) == []
    statuses = list((MYPY_CACHE.absolute() / "codegen-ast-dmypy").glob("*.json"))
    assert statuses, "no daemon was started"
    mypy_daemon.stop(flags, MYPY_CACHE.absolute())
    for status in statuses:  # a status file naming a process that is gone
        status.write_text(json.dumps({"pid": 2**22 + 7, "connection_name": str(tmp_path / "gone.sock")}))
    assert _type_errors(tmp_path) == []
    assert len(daemon_on) == 2


def test_without_the_daemon_nothing_is_started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CODEGEN_AST_MYPY_DAEMON", "0")
    flags = mypy_flags(TargetPython(), tmp_path / "cache")
    _, _, status = mypy_daemon.run(flags, [], tmp_path / "cache")
    assert status == 2 and not (tmp_path / "cache" / "codegen-ast-dmypy").exists()


def test_declarative_packages_staged_in_new_folders_stay_with_the_daemon(daemon_on: list[list[str]]) -> None:
    """``new`` stages each package with its onex_support in a new temporary folder, removed
    after the check; the daemon crashed on the next check (KeyError: 'onex_support.handlers')
    when it had followed onex_support there, and every other check ran in this process."""
    from codegen_ast.declarative.generate import generate_declarative
    from codegen_ast.validate import validate_generated

    package = generate_declarative(read_node_spec(EXAMPLE_SPEC))
    for _ in range(3):
        report = validate_generated(package, level="strict", mypy_cache=MYPY_CACHE)
        assert [finding for finding in report.findings if finding.rule == "TYP001"] == []
    assert len(daemon_on) == 1, f"{len(daemon_on)} checks ran in this process, not in the daemon"
