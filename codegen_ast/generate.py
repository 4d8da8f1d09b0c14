"""Spec -> every file of a node package, in memory (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from codegen_ast._version import __version__
from codegen_ast.assemble import assemble_node_module
from codegen_ast.collisions import check_modules, check_spec
from codegen_ast.emit import emit_all
from codegen_ast.files.contract import render_contract
from codegen_ast.files.handlers import build_handler
from codegen_ast.files.models import build_input_model, build_output_model
from codegen_ast.files.package_init import build_reexports
from codegen_ast.files.tests import build_tests
from codegen_ast.manifest import MANIFEST, render_manifest
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.registry import build_contributions
from codegen_ast.selection import select
from codegen_ast.spec import NodeSpec, OperationSpec
from codegen_ast.spec.names import identifier


@dataclass
class GeneratedPackage:
    """The files of one node package: relative path -> text."""

    spec: NodeSpec
    files: dict[str, str] = field(default_factory=dict)
    # files it needs beside it in the output folder (the declarative shape's shared
    # onex_support): staged with it for validation, written by write_support
    beside: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.package_name

    def write(self, output_dir: Path, *, force: bool = False, follow_symlinks: bool = False) -> Path:
        """Write the package atomically as ``output_dir/<name>/`` (see :func:`codegen_ast.package.write_package`),
        and what it needs beside it (a declarative package's ``onex_support``, written when absent or older)."""
        from codegen_ast.package import write_package

        if self.beside:
            from codegen_ast.declarative.support_folder import write_support

            write_support(output_dir, follow_symlinks=follow_symlinks)
        return write_package(self, output_dir, force=force, follow_symlinks=follow_symlinks)


def node_context(spec: NodeSpec) -> NodeContext:
    return NodeContext(spec=spec, selection=select(spec))


def _health_checks(contributions: list[Contribution]) -> list[str]:
    """The checks get_health_checks returns (the health pattern lists them all)."""
    return next(c.health_checks for c in contributions if "_check_self_health" in c.health_checks)


def _handler_modules(context: NodeContext, contributions: list[Contribution]) -> dict[str, cst.Module]:
    """Each operation's handler: the first pattern that carries the operation out, else the plain one."""
    modules: dict[str, cst.Module] = {}
    for operation in context.spec.effective_operations:
        owned = next((c.handlers[operation.name] for c in contributions if operation.name in c.handlers), None)
        modules[f"handlers/{context.spec.handler_file(operation.name)}.py"] = owned or build_handler(context, operation)
    return modules


def build_modules(
    spec: NodeSpec, context: NodeContext | None = None, contributions: list[Contribution] | None = None
) -> dict[str, cst.Module]:
    """Every Python file of the package as a syntax tree (``context`` and
    ``contributions``: the spec's, when already built)."""
    context = context or node_context(spec)
    contributions = build_contributions(context) if contributions is None else contributions
    handler_exports = [(f".{spec.handler_file(op.name)}", context.handler_class(op.name)) for op in spec.effective_operations]
    model_exports = [
        (f".{spec.input_model_file}", context.input_model),
        (f".{spec.output_model_file}", context.output_model),
    ]
    for contribution in contributions:
        handler_exports += contribution.handler_exports
        model_exports += contribution.model_exports
    package = {
        "__init__.py": build_reexports(
            f"The {spec.node_type} node package {spec.package_name}.",
            [(".node", spec.class_name), *((".models", item) for _, item in model_exports)],
        ),
        "node.py": assemble_node_module(context, contributions),
        "handlers/__init__.py": build_reexports(f"Operation handlers of {spec.class_name}.", handler_exports),
        "models/__init__.py": build_reexports(f"Typed input and output models of {spec.class_name}.", model_exports),
        f"models/{spec.input_model_file}.py": build_input_model(spec),
        f"models/{spec.output_model_file}.py": build_output_model(spec),
        "tests/__init__.py": cst.Module(body=[]),
        "tests/test_node.py": build_tests(context, _health_checks(contributions)[1:], contributions),
    }
    groups: dict[str, dict[str, cst.Module]] = {
        "the package": package,
        "the operation handlers": _handler_modules(context, contributions),
    }
    for name, contribution in zip(context.selection.patterns, contributions, strict=True):
        groups[f"the {getattr(name, 'value', name)} pattern"] = contribution.modules
    return check_modules(groups)  # no file built twice, no name bound twice in a module


def named_triggers(spec: NodeSpec) -> NodeSpec:
    """``spec`` for the imperative shape, whose node fires an operation's own name as the
    state machine's trigger: a trigger no operation names (a dotted operation or a topic
    pattern fires it in the declarative shape) is an operation of its own here."""
    if spec.state_machine is None or not spec.operations:
        return spec
    named = {op.routed for op in spec.operations}
    added = [
        OperationSpec(name=trigger) if identifier(trigger) == trigger else OperationSpec(name=identifier(trigger), written=trigger)
        for trigger in spec.state_machine.triggers
        if trigger not in named
    ]
    return spec.model_copy(update={"operations": [*spec.operations, *added]}) if added else spec


def generate(spec: NodeSpec, *, check_stable: bool = False) -> GeneratedPackage:
    """Build, format and collect every file of the node package for ``spec``."""
    spec = named_triggers(spec)
    check_spec(spec)  # two spec items never become one name
    package = GeneratedPackage(spec)
    context = node_context(spec)  # the selector runs once per package
    contributions = build_contributions(context)
    package.files.update(emit_all(dict(sorted(build_modules(spec, context, contributions).items())),
                                  check_stable=check_stable))
    package.files["contract.yaml"] = render_contract(context, contributions)
    for contribution in contributions:
        package.files |= contribution.texts
    package.files[MANIFEST] = render_manifest(spec, package.files, __version__)
    return package
