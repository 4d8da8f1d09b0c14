"""`codegen-ast validate` exit codes and formats, and `codegen-ast new --level`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from codegen_ast import cli
from codegen_ast.commands import new as new_command_module
from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.validate import REPORT_SCHEMA
from tests.validate.conftest import CORPUS, MYPY_CACHE, ROOT

STANDARD = CORPUS / "standard"
GOOD = CORPUS / "strict" / "good_widgets_effect"
EXAMPLE_SPEC = ROOT / "examples" / "orders_effect.yaml"


def run(*arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(arguments), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_clean_package_exits_0() -> None:
    code, out, _ = run("validate", str(GOOD))
    assert code == 0, out
    assert "0 errors, 0 warnings: passed" in out


def test_findings_exit_1_and_print_as_path_line_col_code_message() -> None:
    code, out, _ = run("validate", str(STANDARD / "sec001_eval.py"), str(STANDARD / "sec002_unpickle.py"))
    assert code == 1
    findings = [line for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: [A-Z]{3}\d{3} ", line)]
    assert [line.split(": ", 2)[1].split()[0] for line in findings] == ["SEC001", "SEC002"]
    assert findings[0].startswith(f"{(STANDARD / 'sec001_eval.py').relative_to(ROOT).as_posix()}:")
    assert "2 errors, 0 warnings: FAILED" in out


def test_warnings_exit_0_at_standard_and_1_at_strict() -> None:
    case = str(STANDARD / "pat001_no_health_checks")
    code, out, _ = run("validate", case)
    assert code == 0 and "PAT001" in out
    code, out, _ = run("validate", case, "--level", "strict", "--mypy-cache", str(MYPY_CACHE))
    assert code == 1 and "PAT001" in out and "FAILED (errors and warnings fail" in out


def test_json_format_is_the_documented_schema() -> None:
    code, out, _ = run("validate", str(STANDARD / "cmp003_not_implemented.py"), "--format", "json")
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, REPORT_SCHEMA)
    assert document["passed"] is False
    [entry] = document["files"]
    assert [(f["rule"], f["line"], f["column"]) for f in entry["findings"]] == [("CMP003", 5, 5)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["validate", "/no/such/node"], "does not exist"),
        (["validate"], "Missing argument"),
        (["validate", str(STANDARD / "sec001_eval.py"), "--level", "loose"], "Invalid value for '--level'"),
        (["validate", str(STANDARD / "sec001_eval.py"), "--python", "/no/such/python"], "not an executable file"),
        (["validate", str(CORPUS / "README.md")], "not a Python file or contract.yaml"),
    ],
)
def test_usage_and_input_errors_exit_2_without_traceback(arguments: list[str], message: str) -> None:
    code, out, err = run(*arguments)
    assert code == 2
    assert message in out + err
    assert "Traceback" not in out + err


def test_level_none_checks_nothing_and_exits_0() -> None:
    code, out, _ = run("validate", str(STANDARD / "sec001_eval.py"), "--level", "none")
    assert code == 0
    assert "no stage run" in out


def test_help_texts_carry_examples() -> None:
    _, out, _ = run("validate", "--help")
    assert "codegen-ast validate out/node_orders_effect" in out and "--mypy-cache" in out
    _, out, _ = run("new", "--help")
    assert "--level" in out and "--no-validate" in out and "strict: + mypy --strict" in out


def test_new_validates_before_writing(tmp_path: Path) -> None:
    code, out, _ = run("new", str(EXAMPLE_SPEC), "-o", str(tmp_path))
    assert code == 0, out
    assert "validated at level standard; manual completion:" in out
    assert (tmp_path / "node_orders_effect" / "node.py").is_file()


def _generate_with_a_defect(spec, generator=generate):  # type: ignore[no-untyped-def]
    """A stand-in for a generator bug (either shape's): one extra handler module that evaluates input."""
    package: GeneratedPackage = generator(spec)
    package.files["handlers/handler_debug.py"] = (
        '"""Debug handler."""\n\n\ndef run(expression: str) -> object:\n    return eval(expression)\n'
    )
    return package


def test_new_refuses_to_write_a_package_that_fails_and_says_how_to_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(new_command_module, "generate", _generate_with_a_defect)
    monkeypatch.setattr(new_command_module, "generate_declarative",
                        lambda spec: _generate_with_a_defect(spec, generate_declarative))
    code, out, err = run("new", str(EXAMPLE_SPEC), "-o", str(tmp_path))
    assert code == 1
    assert "refusing to write node_orders_effect" in err
    assert "--no-validate" in err and "--level none" in err
    assert re.search(r"^node_orders_effect/handlers/handler_debug\.py:5:\d+: SEC001 ", out, re.MULTILINE), out
    assert not (tmp_path / "node_orders_effect").exists()

    code, out, _ = run("new", str(EXAMPLE_SPEC), "-o", str(tmp_path), "--no-validate")
    assert code == 0 and (tmp_path / "node_orders_effect" / "handlers" / "handler_debug.py").is_file()
    code, out, _ = run("new", str(EXAMPLE_SPEC), "-o", str(tmp_path), "--level", "none", "--force")
    assert code == 0 and "validated" not in out
