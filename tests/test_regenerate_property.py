"""Random edits of generated packages, a changed spec, regenerate: no line of the
user's is ever lost, and the package validates or the conflict is reported.

Hypothesis edits a generated package as a user might - members added to
classes, statements added to method bodies, comments and blank lines
anywhere (inside docstrings too) - changes the spec (operations, fields,
description), regenerates, and checks every line the user wrote is still
there (merged, or inside conflict markers), that every file without
conflicts compiles, and that the package passes validation (level basic)
when no conflict was reported.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen_ast.generate import generate
from codegen_ast.manifest import render_manifest
from codegen_ast.regenerate import apply_regeneration, plan_regeneration
from codegen_ast.spec import NodeSpec
from codegen_ast.validate import validate

BASE_SPEC = {
    "name": "orders",
    "node_type": "effect",
    "description": "Orders.",
    "operations": ["create_order", "get_order"],
    "input_fields": [{"name": "order_id", "type": "str"}, {"name": "amount", "type": "float", "required": False}],
    "output_fields": [{"name": "order_id", "type": "str"}],
}
SPEC_CHANGES = [
    {},
    {"description": "Orders, second edition."},
    {"operations": ["create_order", "get_order", "cancel_order"]},
    {"operations": ["create_order"]},
    {"output_fields": [{"name": "order_id", "type": "str"}, {"name": "accepted", "type": "bool"}]},
    {"input_fields": [{"name": "order_id", "type": "str"}], "description": "Orders v3."},
]


@cache
def generated(changes: int) -> dict[str, str]:
    return dict(generate(NodeSpec.model_validate({**BASE_SPEC, **SPEC_CHANGES[changes]})).files)


# an edit: (file index, line index, kind, number); lines are chosen among those that keep Python valid
edits = st.lists(
    st.tuples(st.integers(0, 50), st.integers(0, 10_000), st.sampled_from(["comment", "blank", "member", "statement"]),
              st.integers(0, 999)),
    min_size=1,
    max_size=8,
)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def apply_edit(text: str, where: int, kind: str, number: int) -> tuple[str, list[str]]:
    """``text`` with one edit at a line chosen from ``where``; returns the new text and the lines added."""
    lines = text.splitlines(keepends=True)
    if kind in ("comment", "blank"):
        at = where % (len(lines) + 1)
        indent = _indent(lines[at]) if at < len(lines) else ""
        added = f"{indent}# user note {number}\n" if kind == "comment" else "\n"
        return "".join([*lines[:at], added, *lines[at:]]), [added] if kind == "comment" else []
    if kind == "member":
        places = [i for i, line in enumerate(lines) if line.startswith("    def ") or line.startswith("    async def ")]
        if not places:
            return text, []
        at = places[where % len(places)]
        added = [f"    def user_member_{number}(self) -> int:\n", f"        return {number}\n", "\n"]
        return "".join([*lines[:at], *added, *lines[at:]]), added[:2]
    places = [i for i, line in enumerate(lines) if line.startswith("        return ")]
    if not places:
        return text, []
    at = places[where % len(places)]
    added = f"{_indent(lines[at])}user_value_{number} = {number}\n"
    return "".join([*lines[:at], added, *lines[at:]]), [added]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=edits, change=st.integers(0, len(SPEC_CHANGES) - 1))
def test_no_user_line_is_lost_and_the_result_validates_or_reports_a_conflict(
    edits: list[tuple[int, int, str, int]], change: int
) -> None:
    with tempfile.TemporaryDirectory(prefix="codegen-ast-property-") as folder:
        out = Path(folder)
        spec_file = out / "orders.yaml"
        spec_file.write_text(yaml.safe_dump(BASE_SPEC, sort_keys=False))
        root = out / "node_orders_effect"
        files = dict(generated(0))
        files["codegen-manifest.json"] = render_manifest(
            NodeSpec.model_validate(BASE_SPEC), files, "0.1.0", spec_file="../orders.yaml"
        )
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        python_files = sorted(name for name in files if name.endswith(".py"))
        added: dict[str, list[str]] = {}
        for file_index, where, kind, number in edits:
            relative = python_files[file_index % len(python_files)]
            path = root / relative
            text, lines = apply_edit(path.read_text(), where, kind, number)
            path.write_text(text)
            added.setdefault(relative, []).extend(lines)
        spec_file.write_text(yaml.safe_dump({**BASE_SPEC, **SPEC_CHANGES[change]}, sort_keys=False))

        plan = plan_regeneration(root)
        apply_regeneration(plan)

        for relative, lines in added.items():
            merged = {line.strip() for line in (root / relative).read_text().splitlines()} if (root / relative).exists() else set()
            lost = [line for line in lines if line.strip() not in merged]
            assert not lost, (relative, lost)
        conflicted = {file.path for file in plan.conflicts}
        for relative in python_files:
            path = root / relative
            if path.exists() and relative not in conflicted:
                compile(path.read_text(), str(path), "exec")
        if not conflicted:
            report = validate([root], level="basic", display_root=out)
            assert report.passed, report.render_text()
        shutil.rmtree(root)
