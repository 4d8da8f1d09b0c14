"""The generated-code idioms (codegen_ast.patterns.idioms): what each one builds, and that
patterns use them rather than hand-rolling the same calls."""

from __future__ import annotations

import ast
from pathlib import Path

import black
import libcst as cst

import codegen_ast
from codegen_ast import builders as b
from codegen_ast.patterns import idioms

PACKAGE = Path(codegen_ast.__file__).resolve().parent


def _code(node: cst.CSTNode) -> str:
    """The node's code as black writes it (as the generated files have it)."""
    return black.format_str(cst.Module(body=[]).code_for_node(node), mode=black.Mode(line_length=200))


def test_raise_error_carries_code_correlation_context_and_cause() -> None:
    statement = idioms.raise_error(
        "no orders row", "NOT_FOUND", correlation_id="request.correlation_id", cause="error", table=b.string_literal("orders")
    )
    assert _code(statement) == (
        'raise ModelOnexError(message="no orders row", error_code=EnumCoreErrorCode.NOT_FOUND, '
        'correlation_id=request.correlation_id, table="orders") from error\n'
    )
    assert _code(idioms.raise_error(b.name("message"), "VALIDATION_ERROR")) == (
        "raise ModelOnexError(message=message, error_code=EnumCoreErrorCode.VALIDATION_ERROR)\n"
    )


def test_log_count_health_issue_and_setting() -> None:
    assert _code(idioms.log("WARNING", "stopping failed", "correlation_id", integration="name")) == (
        'self._emit_log(EnumLogLevel.WARNING, "stopping failed", correlation_id, integration=name)\n'
    )
    assert _code(idioms.count("METRIC_CACHE_HITS", tags="tags")) == "self.increment_counter(METRIC_CACHE_HITS, tags=tags)\n"
    assert _code(idioms.count("METRIC_EVICTIONS", b.call("len", "oldest"))) == (
        "self.increment_counter(METRIC_EVICTIONS, len(oldest))\n"
    )
    assert _code(idioms.health_issue("down", "critical", "resource")) == (
        'ModelHealthIssue.create_resource_issue(message="down", severity="critical")\n'
    )
    assert _code(idioms.setting("REDIS_URL")) == "os.getenv(REDIS_URL_ENV, REDIS_URL_DEFAULT)\n"
    assert _code(idioms.setting("HEALTH_CHECK_TIMEOUT", "5")) == 'os.getenv(HEALTH_CHECK_TIMEOUT_ENV, "5")\n'
    assert _code(idioms.environment_value("ONEX_EVENTS_TOPIC", "t")) == 'os.getenv("ONEX_EVENTS_TOPIC", "t")\n'
    constants = idioms.setting_constants([idioms.Setting("REDIS_URL", "redis://localhost:6379/0")])
    assert [_code(s) for s in constants] == ['REDIS_URL_ENV = "REDIS_URL"\n', 'REDIS_URL_DEFAULT = "redis://localhost:6379/0"\n']


def test_multi_clause_comprehensions() -> None:
    steps = b.dict_comp("step.name", "step", "stage", "stages", inner=b.comp_for("step", "stage"))
    assert _code(steps) == "{step.name: step for stage in stages for step in stage}\n"
    assert _code(b.set_comp("x", "x", "xs", b.compare("x", "is not", "None"))) == "{x for x in xs if x is not None}\n"
    assert _code(b.call("any", b.generator("x", "x", "xs", sole_argument=True))) == "any(x for x in xs)\n"
    assert _code(b.while_("running", [b.do(b.call("step"))])) == "while running:\n    step()\n"


# the idioms module builds these calls; everything else goes through it
_HAND_ROLLED = {"ModelOnexError": "raise_error / framework_error", "self._emit_log": "log",
                "self.increment_counter": "count", "os.getenv": "setting"}
# the generic error raiser of the errors pattern passes the code as a variable
_ALLOWED = {("patterns/core/errors.py", "ModelOnexError")}


def hand_rolled(package: Path = PACKAGE) -> list[str]:
    """``file:line name`` of every ``b.call("<idiom's callee>", ...)`` in patterns/ and files/
    outside the idioms module."""
    found = []
    for path in sorted([*(package / "patterns").rglob("*.py"), *(package / "files").rglob("*.py")]):
        relative = path.relative_to(package).as_posix()
        if path.name == "idioms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "call"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in _HAND_ROLLED
                and (relative, node.args[0].value) not in _ALLOWED
            ):
                found.append(f"{relative}:{node.lineno} {node.args[0].value}")
    return found


def test_patterns_use_the_idioms() -> None:
    assert hand_rolled() == []


def test_the_idiom_check_finds_a_hand_rolled_call(tmp_path: Path) -> None:
    (tmp_path / "patterns").mkdir()
    (tmp_path / "files").mkdir()
    (tmp_path / "patterns" / "x.py").write_text('b.do(b.call("self.increment_counter", "METRIC_X"))\n')
    (tmp_path / "files" / "y.py").write_text('b.call("float", 1)\n')
    assert hand_rolled(tmp_path) == ["patterns/x.py:1 self.increment_counter"]
