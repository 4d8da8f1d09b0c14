"""The framework's own scaffolder (`onex new node`) writes a stub: the validator
must see what is missing from it, and that its node class is no declarative shell
although its contract routes to a handler."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codegen_ast.validate import validate

ONEX = Path(sys.executable).parent / "onex"


def test_onex_stub_reports_not_implemented_todos_and_manual_completion(tmp_path: Path) -> None:
    package = tmp_path / "src" / "demo_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    result = subprocess.run(
        [str(ONEX), "new", "node", "demo", "--type", "effect", "--project-root", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    node_dir = package / "nodes" / "demo"
    node_file = node_dir / "node_demo_effect.py"
    assert node_file.is_file()

    report = validate([tmp_path], level="standard", display_root=tmp_path)

    node_shown = "src/demo_pkg/nodes/demo/node_demo_effect.py"
    node_lines = node_file.read_text(encoding="utf-8").splitlines()
    raise_line = next(i for i, text in enumerate(node_lines, 1) if "raise NotImplementedError" in text)
    todo_lines = {i for i, text in enumerate(node_lines, 1) if "TODO" in text}
    by_rule: dict[str, set[int]] = {}
    for finding in report.findings:
        if finding.file == node_shown:
            by_rule.setdefault(finding.rule, set()).add(finding.line)
    assert by_rule["CMP003"] == {raise_line}
    assert by_rule["CMP001"] == todo_lines and todo_lines
    handler_todos = [f for f in report.findings
                     if f.rule == "CMP001" and f.file.endswith("handlers/handler_demo.py")]
    assert handler_todos
    # the scaffold writes the declarative contract (handler routing) beside a class with a method
    method_line = next(i for i, text in enumerate(node_lines, 1) if "def apply_effect" in text)
    assert by_rule["DCL001"] == {method_line}
    assert by_rule["STR001"] and by_rule["STR002"] and "STR003" not in by_rule
    contract_rules = {f.rule for f in report.findings if f.file.endswith("demo/contract.yaml")}
    assert {"STR009", "STR011"} <= contract_rules  # no description; no handler.py beside the contract
    assert not report.passed

    figure = report.manual_completion
    assert figure is not None and figure.share is not None and figure.share > 0
    assert [handler.name for handler in figure.handlers] == ["HandlerDemo.handle"]
    assert figure.handlers[0].reason.startswith("CMP001")
