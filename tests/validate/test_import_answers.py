"""IMP003's import check remembers, on disk, the packages that imported cleanly: the
same files in the same environment are answered without the worker; a failure is
imported (and reported) every time; a command line whose imports were all answered
before does not start the worker early."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.generate import GeneratedPackage
from codegen_ast.readers import read_node_spec
from codegen_ast.validate import import_check, validate_generated
from codegen_ast.validate.line_worker import LineWorker
from tests.conftest import EXAMPLE_SPEC
from tests.validate.conftest import count_worker_requests


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Answers kept in an empty folder of this test; the packages sent to the worker."""
    monkeypatch.setattr(import_check, "_IMPORT_ANSWERS", import_check.ImportAnswers(tmp_path / "answers"))
    return count_worker_requests(monkeypatch)


@pytest.fixture(scope="module")
def package() -> GeneratedPackage:
    return generate_declarative(read_node_spec(EXAMPLE_SPEC))


def _imp003(found: GeneratedPackage) -> list[str]:
    return [finding.message for finding in validate_generated(found, level="basic").findings if finding.rule == "IMP003"]


def test_a_package_that_imported_is_answered_from_disk(asked: list[str], package: GeneratedPackage,
                                                        tmp_path: Path) -> None:
    assert _imp003(package) == []
    assert asked == [package.name]
    assert len(list((tmp_path / "answers").glob("*.json"))) == 1
    assert _imp003(package) == []
    assert asked == [package.name], "the worker was asked again about the same files"

    # one byte more in any staged file, the package's or onex_support's, is another question
    files, beside = dict(package.files), dict(package.beside)
    files["handler.py"] += "\n"
    beside["onex_support/values.py"] += "\n"
    assert _imp003(dataclasses.replace(package, files=files)) == []
    assert _imp003(dataclasses.replace(package, beside=beside)) == []
    assert asked == [package.name] * 3


def test_a_package_that_fails_to_import_is_imported_every_time(asked: list[str], package: GeneratedPackage,
                                                                tmp_path: Path) -> None:
    files = dict(package.files)
    files["handler.py"] += '\nraise RuntimeError("planted at import")\n'
    broken = dataclasses.replace(package, files=files)
    for attempt in (1, 2):
        found = _imp003(broken)
        assert len(found) == 1 and "planted at import" in found[0], found
        assert asked == [package.name] * attempt
    assert list((tmp_path / "answers").glob("*.json")) == []


def test_another_installed_distribution_is_another_environment(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    before = import_check._environment_key()
    (site / "httpx-99.0.dist-info").mkdir()
    upgraded = import_check._environment_key()
    (site / "extra.pth").write_text(str(tmp_path / "elsewhere") + "\n", encoding="utf-8")
    assert len({before, upgraded, import_check._environment_key()}) == 3


def test_a_command_line_answered_before_starts_no_worker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(import_check, "_IMPORT_ANSWERS", import_check.ImportAnswers(tmp_path / "answers"))
    monkeypatch.setattr(import_check, "_RUN_IMPORTS", {"answered": 0, "failed": 0})
    started: list[str] = []

    class Worker:
        def start(self) -> None:
            started.append("worker")

    monkeypatch.setattr(import_check, "_worker", lambda executable: Worker())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text("name: a\n", encoding="utf-8")
    line = ["new", "spec.yaml", "-o", "out"]

    def one_run(answered: int, failed: int) -> None:
        monkeypatch.setattr(import_check, "_PREWARM_DECIDED", set())
        monkeypatch.setattr(import_check, "_RUN_IMPORTS", {"answered": answered, "failed": failed})
        import_check.prewarm_import(sys.executable, line)
        import_check.prewarm_import(sys.executable)  # new asks again once it knows its options: decided already
        import_check._mark_run()  # what exit does

    one_run(answered=1, failed=0)
    assert started == ["worker"]
    one_run(answered=1, failed=0)
    assert started == ["worker"], "the worker started for a command line whose imports were all answered"
    (tmp_path / "spec.yaml").write_text("name: b\n", encoding="utf-8")  # the spec changed: another command line
    one_run(answered=1, failed=1)
    assert started == ["worker"] * 2
    one_run(answered=0, failed=0)
    assert started == ["worker"] * 3, "a failure unmarks the command line"


def test_the_program_ends_with_its_exit_status_and_all_its_output(tmp_path: Path) -> None:
    """`python -m codegen_ast` ends without tearing its modules down: what it printed
    reaches a pipe whole, and the exit status is the command's."""
    listed = subprocess.run([sys.executable, "-m", "codegen_ast", "patterns"], capture_output=True, text=True,
                            timeout=300, check=False, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.endswith("\n") and len(listed.stdout.splitlines()) > 5, listed.stdout
    missing = subprocess.run([sys.executable, "-m", "codegen_ast", "validate", str(tmp_path / "absent")],
                             capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path)
    assert missing.returncode == 2, (missing.returncode, missing.stderr)
    assert "absent" in missing.stderr and "Traceback" not in missing.stderr, missing.stderr



@pytest.fixture
def fresh_workers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each import asked of a worker of its own, started with the test's environment
    (the shared one was started before the test set PYTHONPATH); all stopped after."""
    started: list[LineWorker] = []

    def fresh(executable: str) -> LineWorker:
        script = Path(import_check._import_worker.__file__)
        started.append(LineWorker([executable, str(script)], cwd=script.anchor))
        return started[-1]

    monkeypatch.setattr(import_check, "_worker", fresh)
    yield
    for worker in started:
        worker.stop()


@pytest.mark.usefixtures("fresh_workers")
def test_an_import_resting_on_a_source_folder_is_not_remembered(asked: list[str], package: GeneratedPackage,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A module from a folder on the path, not an installed distribution, has no version
    in the environment's key: an edit to it must reach the next check, so nothing is kept."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "shop_models_under_edit.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(source))
    files = dict(package.files)
    files["handler.py"] += "\nimport shop_models_under_edit  # noqa: E402,F401\n"
    edited = dataclasses.replace(package, files=files)
    assert _imp003(edited) == []
    assert list((tmp_path / "answers").glob("*.json")) == []
    (source / "shop_models_under_edit.py").write_text('raise RuntimeError("edited at import")\n', encoding="utf-8")
    found = _imp003(edited)
    assert len(found) == 1 and "edited at import" in found[0], found
    assert asked == [package.name] * 2
