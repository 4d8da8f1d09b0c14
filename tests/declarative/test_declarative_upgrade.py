"""``upgrade PACKAGE --to declarative`` on a package codegen-ast generated in the
imperative shape: generated again in the declarative shape from the spec its
manifest records; the user's own files kept; stopped before writing anything when
a generated file was edited."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.manifest import read_manifest
from codegen_ast.support import SUPPORT_MANIFEST
from tests.checkers import importable
from tests.declarative.conftest import EXAMPLES


def _old_package(tmp_path: Path, example: str = "price_quote_compute") -> tuple[Path, Path]:
    out = tmp_path / "out"
    created = CliRunner().invoke(main, ["new", str(EXAMPLES / f"{example}.yaml"), "-o", str(out),
                                        "--shape", "imperative", "--level", "none"])
    assert created.exit_code == 0, created.output
    [package] = [path for path in out.iterdir() if path.name.startswith("node_")]
    assert read_manifest(package).shape == "imperative" and not (package / "handler.py").exists()
    return out, package


def test_upgrade_to_declarative_reshapes_an_old_generated_package(tmp_path: Path) -> None:
    out, package = _old_package(tmp_path)
    mine = package / "NOTES.md"
    mine.write_text("our notes\n", encoding="utf-8")  # a file of the user's: left where it is
    shown = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative"])
    assert shown.exit_code == 0, shown.output
    assert "would reshape" in shown.output and not (package / "handler.py").exists()  # --diff by default

    done = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert done.exit_code == 0, done.output
    assert read_manifest(package).shape == "declarative"
    assert (package / "handler.py").is_file() and (package / "registry").is_dir()
    assert (out / "onex_support" / "handlers" / "operation.py").is_file()
    node = (package / "node.py").read_text(encoding="utf-8")
    assert node.count("def ") == 1 and len(node.splitlines()) < 40
    assert mine.read_text(encoding="utf-8") == "our notes\n"
    again = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert again.exit_code == 0 and "declarative already" in again.output
    assert CliRunner().invoke(main, ["regenerate", str(package)]).exit_code == 0
    assert read_manifest(package).shape == "declarative"


def test_upgrade_to_declarative_stops_on_an_edited_generated_package_and_loses_nothing(tmp_path: Path) -> None:
    _, package = _old_package(tmp_path)
    handler = package / "handlers" / "handler_quote_price.py"
    edited = handler.read_text(encoding="utf-8") + "\n# our change\n"
    handler.write_text(edited, encoding="utf-8")
    before = {path: path.read_bytes() for path in package.rglob("*") if path.is_file()}
    refused = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert refused.exit_code == 1, refused.output
    assert "UPG002" in refused.output and "handlers/handler_quote_price.py" in refused.output
    assert "nothing was written" in refused.output
    assert {path: path.read_bytes() for path in package.rglob("*") if path.is_file()} == before


def test_upgrade_to_declarative_interrupted_before_its_manifest_is_run_again(tmp_path: Path) -> None:
    from codegen_ast.manifest import MANIFEST
    from codegen_ast.upgrade.reshape import plan_reshape

    _, package = _old_package(tmp_path)
    plan = plan_reshape(package)
    assert plan.reason is None and plan.removed and "handler.py" in plan.files
    for relative in plan.removed[:1]:
        (package / relative).unlink()
    for relative, text in plan.files.items():  # every new file written, the manifest not yet
        if relative != MANIFEST:
            (package / relative).parent.mkdir(parents=True, exist_ok=True)
            (package / relative).write_text(text, encoding="utf-8")
    assert read_manifest(package).shape == "imperative"
    again = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert again.exit_code == 0, again.output
    assert read_manifest(package).shape == "declarative"
    assert not any((package / relative).exists() for relative in plan.removed)


def test_upgrade_to_declarative_reshapes_a_folding_reducer(tmp_path: Path) -> None:
    _, package = _old_package(tmp_path, "sales_totals_reducer")
    done = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert done.exit_code == 0, done.output
    assert read_manifest(package).shape == "declarative"
    assert "FoldHandler[" in (package / "handlers" / "handler_record_sale.py").read_text(encoding="utf-8")


def test_upgrade_to_declarative_refuses_beside_a_newer_onex_support_and_writes_nothing(tmp_path: Path) -> None:
    out, package = _old_package(tmp_path)
    write_support(out)
    manifest = out / SUPPORT_MANIFEST
    newer = json.loads(manifest.read_text(encoding="utf-8")) | {"support_version": "99.0.0"}
    manifest.write_text(json.dumps(newer), encoding="utf-8")
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    refused = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert refused.exit_code == 1, refused.output
    assert "UPG002" in refused.output and "newer than this codegen-ast" in refused.output
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


def test_upgrade_to_declarative_finds_the_generated_packages_in_a_folder(tmp_path: Path) -> None:
    out, package = _old_package(tmp_path)
    shown = CliRunner().invoke(main, ["upgrade", str(out), "--to", "declarative"])
    assert shown.exit_code == 0, shown.output
    assert f"would reshape {package} (generated)" in shown.output and "UPG002" not in shown.output
    done = CliRunner().invoke(main, ["upgrade", str(out), "--to", "declarative", "--write"])
    assert done.exit_code == 0, done.output
    assert read_manifest(package).shape == "declarative"
    again = CliRunner().invoke(main, ["upgrade", str(out), "--to", "declarative"])  # onex_support is no package
    assert again.exit_code == 0 and "declarative already" in again.output and "UPG002" not in again.output


def _edit_handler(package: Path, old: str, new: str, *, imports: str = "", method: str = "") -> str:
    handler = package / "handlers" / "handler_quote_price.py"
    text = handler.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    if imports:
        text = text.replace("from omnibase_core.enums", f"{imports}\n\nfrom omnibase_core.enums", 1)
    if method:
        text = text.rstrip("\n") + "\n\n" + method
    handler.write_text(text, encoding="utf-8")
    return text


def test_upgrade_to_declarative_carries_an_edited_handler_body_over(tmp_path: Path) -> None:
    out, package = _old_package(tmp_path)
    _edit_handler(
        package, "        return ModelPriceQuoteOutput(",
        "        total = self.whole(total)  # our rule: whole units only\n        return ModelPriceQuoteOutput(",
        imports="import math", method="    def whole(self, value: float) -> float:\n        return float(math.floor(value))\n",
    )
    done = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert done.exit_code == 0, done.output
    assert "your edits carried into handlers/handler_quote_price.py" in done.output
    handler = (package / "handlers" / "handler_quote_price.py").read_text(encoding="utf-8")
    assert "OperationHandler[" in handler and "async def compute(" in handler  # the new shape's handler
    assert "total = self.whole(total)  # our rule: whole units only" in handler and "import math" in handler
    assert "def whole(self, value: float) -> float:" in handler
    assert "operation=request.operation," in handler and "operation_id" not in handler

    with importable(out):
        from node_price_quote_compute import ModelPriceQuoteInput, PriceQuoteOperations

        async def quote() -> float:
            node = PriceQuoteOperations()
            try:
                answer = await node.handle(ModelPriceQuoteInput(operation="quote_price", sku="A", unit_price=2.75,
                                                                quantity=3, discount_pct=0))
            finally:
                await node.shutdown()
            return float(answer.total)

        assert asyncio.run(quote()) == 8.0  # 8.25 without the carried rule
    # the manifest records what was generated: regenerate keeps the carried edit as the user's
    assert CliRunner().invoke(main, ["regenerate", str(package), "--level", "none"]).exit_code == 0
    assert "total = self.whole(total)" in (package / "handlers" / "handler_quote_price.py").read_text(encoding="utf-8")


def test_upgrade_to_declarative_refuses_a_carried_edit_the_new_shape_rejects(tmp_path: Path) -> None:
    _, package = _old_package(tmp_path)
    _edit_handler(package, "            operation_id=request.operation_id,\n",
                  "            operation_id=request.operation_id,\n            sku=str(request.operation_id),\n")
    before = {path: path.read_bytes() for path in package.rglob("*") if path.is_file()}
    refused = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert refused.exit_code == 1, refused.output
    assert "UPG002" in refused.output and "fails strict validation" in refused.output
    assert "handlers/handler_quote_price.py" in refused.output and "nothing was written" in refused.output
    assert {path: path.read_bytes() for path in package.rglob("*") if path.is_file()} == before


def test_upgrade_to_declarative_keeps_a_comment_the_user_put_in_the_answer(tmp_path: Path) -> None:
    _, package = _old_package(tmp_path)
    _edit_handler(package, "            saving=saving,\n", "            saving=round(saving, 2),  # cents, as finance asks\n")
    done = CliRunner().invoke(main, ["upgrade", str(package), "--to", "declarative", "--write"])
    assert done.exit_code == 0, done.output
    handler = (package / "handlers" / "handler_quote_price.py").read_text(encoding="utf-8")
    assert "saving=round(saving, 2),  # cents, as finance asks" in handler
