"""Mutated specs and contracts, in every dialect: a NodeSpec or a clean error (exit 2), never a crash.

The property and the mutations are those of benchmarks/reader_fuzz.py, which runs
at least 10,000 examples; here a few hundred keep the suite fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.reader_fuzz import SEEDS, cli_once, read_once, run
from codegen_ast.readers import detect_dialect
from codegen_ast.readers.yaml_source import load_yaml

HEAD_V2 = "node_id: node_tally_reducer\nnode_type: reducer\nversion: v1_0_0\nmetadata: {description: Count.}\n"
HEAD_CONTRACT = "name: shop\nnode_type: EFFECT_GENERIC\ncontract_version: {major: 1, minor: 0, patch: 0}\ndescription: Shop.\n"


def test_the_seeds_cover_every_dialect_and_read() -> None:
    dialects = {detect_dialect(load_yaml(path)) for path in SEEDS}
    assert dialects == {"spec", "contract", "contract-v2"}


@pytest.mark.parametrize(
    "content",
    ["name: [", "\ufeffname: x\n", b"name: \xff\n", "input_schema: {required: 5}\n", "event_bus: x\nname: a\n",
     "node_id: x\ninput_schema: {properties: {a: 5}}\n", "a: &a [*a]\n", "- 1\n- 2\n", "'just text'\n", "",
     # found by the fuzz (benchmarks/reader_fuzz.py), each a traceback before its fix
     HEAD_V2 + "input_schema: {properties: {a: {type: [{}, 'null']}}}\n",
     HEAD_V2 + "input_schema: {properties: {a: {type: string, format: {x: 1}}}}\n",
     HEAD_CONTRACT + "event_bus: [a.topic]\n", HEAD_CONTRACT + "event_bus: x\n",
     "name: a\n!!set depen&a dencies: [kafka]\n",
     HEAD_V2 + "operations: [count_view, [{}]]\nevent_patterns: {publishes: [{event_type: a.b}]}\n",
     "name: a\ndescription: A.\noperations: 5625005779687031465\n",
     "name: a\ndescription: A.\noperations: [x]\ndependencies: [[postgres]]\n",
     HEAD_CONTRACT.replace("EFFECT_GENERIC", "reducer") + "state_machine: {initial_state: a, states: [a], transitions: []}\n",
     HEAD_CONTRACT + "io_operations:\n  - name: charge\n    input_fields: [{name: a}]\n"
     "    output_fields: [{name: {output_model: x}, type: str}]\n",
     HEAD_V2 + "input_schema: {properties: {a: {type: string}}, required: [[a]]}\n",
     HEAD_V2 + "input_schema: {properties: {a: {type: string}}, required: abc}\n",
     HEAD_V2 + "input_schema: {properties: {1: {type: string}}}\n",
     HEAD_V2 + "operations: true\nevent_patterns: {publishes: [{event_type: a.b}]}\n"],
    ids=["unclosed", "bom", "not utf-8", "required 5", "event_bus x", "property 5", "self alias", "a list",
         "a string", "empty", "v2 type a mapping", "v2 format a mapping", "event_bus a list", "event_bus text",
         "ruamel trips on a tag", "v2 operation a list", "operations a number", "a dependency a list",
         "a state machine without transitions", "a field name that is a mapping",
         "v2 required a list of lists", "v2 required text", "v2 property name a number",
         "v2 operations true beside event patterns"],
)
def test_known_hostile_inputs_are_clean_errors(content: str | bytes, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    ignored = "format: {x: 1}" in str(content)  # a JSON Schema format that is not a name is ignored, as JSON Schema does
    assert read_once(path, content) == ("spec" if ignored else "error")
    assert cli_once(path) == (0 if ignored else 2)


def test_mutated_inputs_read_or_fail_cleanly(tmp_path: Path) -> None:
    result = run(300, tmp_path, cli_every=30, seed=0)  # the same 300 every run; benchmarks/reader_fuzz.py explores
    assert not result["failures"], result["failures"][:3]
    assert result["examples"] == 300
    assert result["read to a NodeSpec"] > 0 and result["clean error"] > 0  # both sides are reached
