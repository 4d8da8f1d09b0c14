"""The validator never imports omnibase-core into the process that runs it.

Its contract check needs the framework's contract models: a probe server process
(of the same interpreter) imports them and answers; stage 3 finds installed
modules without importing their parent packages.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import sys
from pathlib import Path
from codegen_ast.generate import generate
from codegen_ast.readers import read_node_spec
from codegen_ast.validate.pipeline import validate_generated
package = generate(read_node_spec(Path(sys.argv[1])))
report = validate_generated(package, level="standard")
assert not [f for f in report.findings if f.severity == "error"], report.findings
print("imported:", sorted(m for m in sys.modules if m.startswith("omnibase_core"))[:3])
"""


def test_standard_validation_leaves_the_framework_out_of_this_process() -> None:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(ROOT / "examples" / "orders_effect.yaml")],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "imported: []" in done.stdout, done.stdout


def test_a_contract_the_framework_refuses_is_still_reported(tmp_path: Path) -> None:
    from codegen_ast.generate import generate
    from codegen_ast.readers import read_node_spec
    from codegen_ast.validate.pipeline import validate

    folder = generate(read_node_spec(ROOT / "examples" / "orders_effect.yaml")).write(tmp_path)
    contract = folder / "contract.yaml"
    contract.write_text(contract.read_text(encoding="utf-8") + "performance: {single_operation_max_ms: not-a-number}\n",
                        encoding="utf-8")
    report = validate([folder], level="basic")
    assert any(finding.rule.startswith("STR") and "performance" in finding.message for finding in report.findings), \
        report.findings
