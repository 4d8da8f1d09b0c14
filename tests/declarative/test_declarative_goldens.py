"""The golden specs (every node type: minimal, database, api, events, cache,
everything) in the declarative shape, the default of ``codegen-ast new``: all 24
packages in one output folder, as one project, through every checker."""

from __future__ import annotations

from pathlib import Path

from codegen_ast.declarative.generate import generate_declarative
from codegen_ast.declarative.support_folder import write_support
from codegen_ast.readers import read_node_spec
from tests.checkers import onex_validate
from tests.declarative.conftest import assert_every_checker_passes
from tests.golden import case_dirs


def test_every_golden_spec_passes_every_checker_in_the_declarative_shape(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    for case in case_dirs():
        generate_declarative(read_node_spec(case / "spec.yaml")).write(out)
    write_support(out)
    packages = sorted(path for path in out.iterdir() if path.name.startswith("node_"))
    assert len(packages) == len(case_dirs()) == 24
    project = onex_validate(out)  # the whole project at once: one union budget
    assert project.ok, (project.issues, project.output)
    assert_every_checker_passes(out, packages, tmp_path / "compliance")
