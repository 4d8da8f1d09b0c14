"""Refusals of a contract come all at once, each naming file, line, key and a fix;
for a contract the user does not own the fix is a ``--set PATH=VALUE`` override,
and applying the overrides the errors name gets the contract generated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.errors import SpecError
from codegen_ast.generate import generate
from codegen_ast.readers import read_spec

CURRENT = """\
name: node_x_effect
node_type: EFFECT_GENERIC
description: X.
io_operations: oops
capabilities: [{nope: 1}]
input_model: 5
event_bus: {publish_topics: onex.evt.x.v1}
"""
V2 = """\
node_id: node_ledger_reducer
node_type: reducer
version: first
colour: blue
metadata: {name: ledger}
mixin_configuration:
  mixins:
    - {mixin_name: MixinTeleport}
    - {mixin_name: MixinHealthCheck}
    - {mixin_name: MixinWarpDrive}
input_schema:
  type: object
  properties:
    amount: {type: money}
    memo: {type: string}
    when: {type: moment}
"""
_OVERRIDE = re.compile(r"--set (\S+=(?:'[^']*'|\S+))$")


def _refusal(path: Path, overrides: tuple[str, ...] = ()) -> SpecError:
    with pytest.raises(SpecError) as refused:
        read_spec(path, overrides=overrides)
    return refused.value


def _overrides_named(error: SpecError) -> tuple[str, ...]:
    found = []
    for problem in error.problems:
        match = _OVERRIDE.search(problem.message)
        assert match, f"no override named in: {problem}"
        path, _, value = match.group(1).partition("=")
        found.append(f"{path}={value.strip(chr(39))}")
    return tuple(found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CURRENT, [(4, "io_operations"), (5, "capabilities.0"), (6, "input_model"), (7, "event_bus.publish_topics")]),
        (V2, [
            (3, "version"), (5, "metadata.description"), (8, "mixin_configuration.mixins.0"),
            (10, "mixin_configuration.mixins.2"), (14, "input_schema.properties.amount.type"),
            (16, "input_schema.properties.when.type"),
        ]),
    ],
    ids=["current", "v2"],
)
def test_every_refusal_at_once_names_the_override_that_gets_past_it(
    tmp_path: Path, text: str, expected: list[tuple[int, str]]
) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    error = _refusal(path)
    assert [(p.line, p.field) for p in error.problems] == expected  # all at once, in file order
    assert all(p.path == path for p in error.problems)
    overrides = _overrides_named(error)
    result = read_spec(path, overrides=overrides)  # the contract file itself is not touched
    assert path.read_text(encoding="utf-8") == text
    assert [w.message for w in result.warnings if w.field == "--set"] == [
        message for message in (w.message for w in result.warnings) if message.startswith("overridden: ")
    ]
    assert len([w for w in result.warnings if w.field == "--set"]) == len(overrides)
    assert generate(result.spec).files["node.py"]


def test_v2_list_items_are_removed_by_the_index_the_error_printed(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(V2, encoding="utf-8")
    fixes = ("version=v1_0_0", "colour=null", "metadata.description=Ledger.", "input_schema.properties.amount.type=number",
             "input_schema.properties.when.type=string")
    # items 0 and 2 named by the error: both go, item 1 (MixinHealthCheck) stays, whatever the order given
    for order in (("mixin_configuration.mixins.0=null", "mixin_configuration.mixins.2=null"),
                  ("mixin_configuration.mixins.2=null", "mixin_configuration.mixins.0=null")):
        spec = read_spec(path, overrides=(*fixes, *order)).spec
        assert spec.mixins == ["MixinHealthCheck"]
        assert [(f.name, f.type.spelling()) for f in spec.input_fields][0] == ("amount", "float")


@pytest.mark.parametrize("override", ["novalue", "=x", "a..b=1", "node_id.first=x", "mixin_configuration.mixins.9=x",
                                      "description=[unclosed"])
def test_a_bad_override_is_an_error_naming_it(tmp_path: Path, override: str) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(V2.replace("version: first", "version: v1_0_0"), encoding="utf-8")
    error = _refusal(path, (override,))
    assert error.problems[0].field == "--set" and repr(override) in error.problems[0].message


def test_an_untyped_field_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(
        "name: node_y_compute\nnode_type: COMPUTE_GENERIC\ndescription: Y.\nio_operations:\n"
        "  - operation: y.run\n    input_fields:\n      - {name: a, type: str}\n      - {name: b}\n      - c\n",
        encoding="utf-8",
    )
    [note] = [w for w in read_spec(path).warnings if "no type declared" in w.message]
    assert (note.line, note.field) == (8, "io_operations.0.input_fields.1")
    assert "b, c" in note.message


def test_new_records_the_overrides_and_regenerate_applies_them_again(tmp_path: Path) -> None:
    contract = tmp_path / "vendor" / "contract.yaml"
    contract.parent.mkdir()
    contract.write_text(CURRENT, encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    refused = runner.invoke(main, ["new", str(contract), "-o", str(out), "--no-validate"])
    assert refused.exit_code == 2 and "--set io_operations=null" in refused.output
    overrides = ["io_operations=null", "capabilities.0=null", "input_model={name: ModelXRequest}",
                 "event_bus.publish_topics=[onex.evt.x.v1]"]
    args = [part for override in overrides for part in ("--set", override)]
    written = runner.invoke(main, ["new", str(contract), "-o", str(out), "--no-validate", *args])
    assert written.exit_code == 0, written.output
    assert "overridden: event_bus.publish_topics=[onex.evt.x.v1]: set (was 'onex.evt.x.v1')" in written.output
    package = out / "node_x_effect"
    assert json.loads((package / "codegen-manifest.json").read_text())["overrides"] == overrides
    carried = yaml.safe_load((package / "contract.yaml").read_text())
    assert "onex.evt.x.v1" in carried["event_bus"]["publish_topics"]  # the override reached the contract
    again = runner.invoke(main, ["regenerate", str(package)])
    assert again.exit_code == 0 and "up to date" in again.output, again.output
