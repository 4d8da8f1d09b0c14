"""``new --fill llm`` and ``new --prompt`` as a user drives them: against a local
stand-in of a chat-completions endpoint, then replaying what it recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codegen_ast.cli import main
from codegen_ast.commands import new as new_command
from tests.chat_standin import ChatStandIn, Reply

KEY = "sk-cli-test-51c2d0"
SPEC = """\
name: doubler
node_type: compute
description: Doubles a number.
operations:
  - {name: double_value, description: Twice the value.}
input_fields:
  - {name: value, type: int}
output_fields:
  - {name: doubled, type: int}
"""
BODY = "return ModelDoublerOutput(\n    operation_id=request.operation_id,\n    correlation_id=request.correlation_id,\n    doubled=request.value * 2,\n)\n"


def run(args: list[str], environ: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, args, env=environ, input=stdin)


def endpoint(stand_in: ChatStandIn, **extra: str) -> dict[str, str]:
    return {"CODEGEN_AST_LLM_BASE_URL": stand_in.base_url, "CODEGEN_AST_LLM_MODEL": "stand-in-model",
            "CODEGEN_AST_LLM_API_KEY": KEY, **extra}


def test_fill_asks_the_endpoint_records_and_replays(tmp_path: Path) -> None:
    spec = tmp_path / "doubler.yaml"
    spec.write_text(SPEC)
    fixture = tmp_path / "recorded.json"
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(content=f"```python\n{BODY}```"))
        live = run(["new", str(spec), "-o", str(tmp_path / "live"), "--fill", "llm", "--shape", "imperative"],
                   endpoint(stand_in, CODEGEN_AST_LLM_RECORD=str(fixture)))
    assert live.exit_code == 0, live.output
    assert "llm fill: 1 accepted, 0 rejected\n  double_value: accepted (stand-in-model, 5 lines)" in live.output
    assert "lines written: 5 by a model (accepted)" in live.output and "0 of 5 operation-handler lines" in live.output
    assert KEY not in live.output and KEY not in fixture.read_text()
    [asked] = stand_in.requests
    prompt = asked.payload["messages"][1]["content"]
    assert "write the body of HandlerDoubleValue.handle" in prompt and "EnumCoreErrorCode.VALIDATION_ERROR" in prompt
    handler = (tmp_path / "live" / "node_doubler_compute" / "handlers" / "handler_double_value.py").read_text()
    assert "doubled=request.value * 2" in handler and "Written by a model (stand-in-model)" in handler

    replayed = run(["new", str(spec), "-o", str(tmp_path / "replayed"), "--fill", "llm", "--shape", "imperative", "--llm-fixture", str(fixture),
                    "--format", "json"], {})
    assert replayed.exit_code == 0, replayed.output
    [outcome] = json.loads(replayed.stdout)  # progress lines go to stderr
    assert outcome["fill"] == [{"operation": "double_value", "status": "accepted", "model": "stand-in-model", "lines": 5,
                                "reason": "passed the whole validation and the package's tests"}]
    again = tmp_path / "replayed" / "node_doubler_compute" / "handlers" / "handler_double_value.py"
    assert again.read_text() == handler


def test_fill_without_a_model_configured_stops_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BASE_URL", "MODEL", "API_KEY", "FIXTURE"):
        monkeypatch.delenv(f"CODEGEN_AST_LLM_{name}", raising=False)
    spec = tmp_path / "doubler.yaml"
    spec.write_text(SPEC)
    result = run(["new", str(spec), "-o", str(tmp_path / "out"), "--fill", "llm", "--shape", "imperative"])
    assert result.exit_code == 2
    assert "no language model configured: pass --llm-fixture FILE" in result.output
    assert not (tmp_path / "out").exists()
    declarative = run(["new", str(spec), "-o", str(tmp_path / "out"), "--fill", "llm", "--shape", "declarative"])
    assert declarative.exit_code == 2
    assert "no language model configured: pass --llm-fixture FILE" in declarative.output
    assert not (tmp_path / "out").exists()


PROPOSED = """Here is the spec:
```yaml
name: order_totals
description: Accumulates the amount of every order into a running total.
operations:
  - {name: add_order, description: Add one order's amount.}
input_fields:
  - {name: amount, type: float}
output_fields:
  - {name: total, type: float, formula: total + amount}
```
"""


def test_prompt_shows_the_spec_for_review_before_generating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    saved = out / "node_order_totals_reducer.spec.yaml"
    package = out / "node_order_totals_reducer"
    with ChatStandIn().running() as stand_in:
        stand_in.reply(Reply(content=PROPOSED), Reply(content=PROPOSED), Reply(content=PROPOSED),
                       Reply(content="name: Bad Name\ndescription: x\nnode_type: effect\n"))
        unattended = run(["new", "--prompt", "A running total of order amounts", "-o", str(out)], endpoint(stand_in))
        assert unattended.exit_code == 2
        assert f"The spec stand-in-model wrote, saved to {saved}:" in unattended.output
        assert "name: order_totals" in unattended.output
        assert "node type: reducer (inferred: formula of 'total' reads the output 'total' so far" in unattended.output
        assert f"generate it with `codegen-ast new {saved} -o {out}`, or re-run with --yes" in unattended.output
        assert saved.read_text().startswith("name: order_totals\n") and not package.exists()
        assert stand_in.requests[0].payload["messages"][1]["content"] == "A running total of order amounts"

        monkeypatch.setattr(new_command, "interactive", lambda: True)
        declined = run(["new", "--prompt", "A running total of order amounts", "-o", str(out)], endpoint(stand_in), stdin="n\n")
        assert declined.exit_code == 1 and "nothing generated" in declined.output and not package.exists()
        confirmed = run(["new", "--prompt", "A running total of order amounts", "-o", str(out), "--level", "basic"],
                        endpoint(stand_in), stdin="y\n")
        assert confirmed.exit_code == 0, confirmed.output
        assert (package / "handlers" / "handler_add_order.py").is_file()

        invalid = run(["new", "--prompt", "something", "-o", str(out), "--yes"], endpoint(stand_in))
        assert invalid.exit_code == 2
        assert "prompt-answer.spec.yaml:1: name: node name 'Bad Name' is not snake_case" in invalid.output
        assert "does not validate: fix it and run codegen-ast new" in invalid.output
