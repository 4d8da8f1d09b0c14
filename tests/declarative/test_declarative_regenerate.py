"""regenerate on a package of the declarative shape: it stays declarative, the user's
edits are merged, a changed spec reaches the contract and the handlers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.manifest import read_manifest
from tests.declarative.conftest import EXAMPLES


def test_regenerate_keeps_the_declarative_shape_and_the_users_edits(tmp_path: Path) -> None:
    spec = tmp_path / "basket.yaml"
    spec.write_text((EXAMPLES / "basket_fsm_reducer.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    created = CliRunner().invoke(main, ["new", str(spec), "-o", str(out), "--shape", "declarative", "--level", "none"])
    assert created.exit_code == 0, created.output
    package = out / "node_basket_reducer"
    assert read_manifest(package).shape == "declarative"
    assert json.loads((package / "codegen-manifest.json").read_text(encoding="utf-8"))["shape"] == "declarative"

    handler = package / "handlers" / "handler_clear.py"
    edited = handler.read_text(encoding="utf-8").replace(
        '"""The answer: the state reached', '"""The answer (our audit wants it): the state reached')
    assert edited != handler.read_text(encoding="utf-8")
    handler.write_text(edited, encoding="utf-8")
    # the spec changes: a checked-out basket can be cleared too, and a new trigger appears
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "    - {from: active, to: checked_out, trigger: checkout}",
        "    - {from: active, to: checked_out, trigger: checkout}\n"
        "    - {from: checked_out, to: empty, trigger: clear}\n"
        "    - {from: checked_out, to: active, trigger: reopen}",
    ), encoding="utf-8")

    shutil.rmtree(out / "onex_support")  # gone (or older): regenerate writes it again
    again = CliRunner().invoke(main, ["regenerate", str(package)])
    assert again.exit_code == 0, again.output
    assert "(our audit wants it)" in handler.read_text(encoding="utf-8")  # the edit, merged
    assert (out / "onex_support" / "fsm.py").is_file()
    assert (package / "handler.py").is_file() and (package / "registry").is_dir()
    assert not (package / "workflows.py").exists()
    node = (package / "node.py").read_text(encoding="utf-8")
    assert node.count("def ") == 1 and "_transition" not in node  # still a shell
    reopen = package / "handlers" / "handler_reopen.py"
    assert "class HandlerReopen(" in reopen.read_text(encoding="utf-8")
    contract = (package / "contract.yaml").read_text(encoding="utf-8")
    assert "trigger: reopen" in contract and "HandlerReopen" in contract
    assert read_manifest(package).shape == "declarative"
