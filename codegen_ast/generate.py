"""Spec -> every file of a node package, in memory (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from codegen_ast._version import __version__
from codegen_ast.assemble import assemble_node_module
from codegen_ast.emit import emit
from codegen_ast.files.contract import render_contract
from codegen_ast.patterns.events.handlers import build_event_files
from codegen_ast.patterns.crud.handlers import migration_path, migration_sql
from codegen_ast.files.handlers import build_handler
from codegen_ast.patterns.http.endpoints import build_endpoint_modules
from codegen_ast.files.models import build_input_model, build_output_model
from codegen_ast.files.package_init import build_reexports
from codegen_ast.files.tests import build_tests
from codegen_ast.manifest import MANIFEST, render_manifest
from codegen_ast.patterns.caching.node import build_caching
from codegen_ast.patterns.events import declared as declared_events
from codegen_ast.patterns.events import names as event_names
from codegen_ast.patterns.workflow import common as workflow
from codegen_ast.patterns.workflow import runner as workflow_runner
from codegen_ast.patterns.workflow import steps as workflow_steps
from codegen_ast.patterns.http.circuit_breaker import build_circuit_breaker
from codegen_ast.patterns.consul import build_consul
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.events.publishing import build_event_publishing, build_publish_event_fix
from codegen_ast.patterns.core.health import build_health
from codegen_ast.patterns.core.health_check_mode import build_health_check_mode
from codegen_ast.patterns.integrations import INTEGRATIONS, build_integration
from codegen_ast.patterns.core.lifecycle import build_lifecycle
from codegen_ast.patterns.core.logging import build_logging
from codegen_ast.patterns.core.metrics import build_metrics
from codegen_ast.patterns.core.routing import build_routing
from codegen_ast.selection import select
from codegen_ast.spec import NodeSpec


@dataclass
class GeneratedPackage:
    """The files of one node package: relative path -> text."""

    spec: NodeSpec
    files: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.package_name

    def write(self, output_dir: Path, *, force: bool = False, follow_symlinks: bool = False) -> Path:
        """Write the package atomically as ``output_dir/<name>/`` (see :func:`codegen_ast.package.write_package`)."""
        from codegen_ast.package import write_package

        return write_package(self, output_dir, force=force, follow_symlinks=follow_symlinks)


def node_context(spec: NodeSpec) -> NodeContext:
    return NodeContext(spec=spec, selection=select(spec))


def node_contributions(context: NodeContext) -> list[Contribution]:
    """Every pattern's contribution to node.py, in the selection's order."""
    selection = context.selection
    patterns = set(selection.patterns)
    extras = [build_integration(context, INTEGRATIONS[name]) for name in selection.integrations]
    if "circuit_breaker" in patterns:
        extras.append(build_circuit_breaker(context))
    if "consul" in patterns:
        extras.append(build_consul(context))
    if "caching" in patterns:
        extras.append(build_caching(context))
    if "events" in patterns:
        extras.append(
            build_event_publishing(
                context,
                event_bus="MixinEventBus" in selection.provides,
                kafka="kafka" in selection.integrations,
                topics=event_names.topic_aware(context),
            )
        )
        extras.append(declared_events.build_declared_events(context))
    if workflow.enabled(context):
        extras.append(workflow_runner.build_workflow(context))
    return [
        build_logging(context),
        build_health_check_mode(context),
        *extras,
        build_lifecycle(
            context,
            [step for extra in extras for step in extra.lifecycle],
            consul="consul" in patterns,
            service_mode="MixinNodeService" in selection.provides,
        ),
        build_routing(
            context,
            [mapping for extra in extras for mapping in extra.error_mappings],
            events="events" in patterns,
        ),
        build_metrics(context, [counter for extra in extras for counter in extra.counters]),
        build_health(context, [check for extra in extras for check in extra.health_checks]),
        build_publish_event_fix(context),
    ]


def _health_checks(contributions: list[Contribution]) -> list[str]:
    """The checks get_health_checks returns (the health pattern lists them all)."""
    return next(c.health_checks for c in contributions if "_check_self_health" in c.health_checks)


def build_modules(spec: NodeSpec, context: NodeContext | None = None) -> dict[str, cst.Module]:
    """Every Python file of the package as a syntax tree (``context``: the spec's, when already selected)."""
    context = context or node_context(spec)
    contributions = node_contributions(context)
    operations = spec.effective_operations
    handler_exports = [(f".handler_{op.name}", context.handler_class(op.name)) for op in operations]
    model_exports = [
        (f".model_{spec.name}_input", context.input_model),
        (f".model_{spec.name}_output", context.output_model),
    ]
    event_files = build_event_files(context)
    handler_exports += event_files.handler_exports
    model_exports += event_files.model_exports
    if workflow.enabled(context):
        model_exports += workflow_steps.model_exports()
    modules = {
        "__init__.py": build_reexports(
            f"The {spec.node_type} node package {spec.package_name}.",
            [(".node", spec.class_name), *((".models", item) for _, item in model_exports)],
        ),
        "node.py": assemble_node_module(context, contributions),
        "handlers/__init__.py": build_reexports(f"Operation handlers of {spec.class_name}.", handler_exports),
        "models/__init__.py": build_reexports(f"Typed input and output models of {spec.class_name}.", model_exports),
        f"models/model_{spec.name}_input.py": build_input_model(spec),
        f"models/model_{spec.name}_output.py": build_output_model(spec),
        "tests/__init__.py": cst.Module(body=[]),
        "tests/test_node.py": build_tests(context, _health_checks(contributions)[1:]),
    }
    for operation in operations:
        modules[f"handlers/handler_{operation.name}.py"] = build_handler(context, operation)
    modules |= event_files.modules
    if workflow.enabled(context):
        modules |= workflow_steps.build_workflow_modules(context)
    modules |= build_endpoint_modules(context)
    return modules


def generate(spec: NodeSpec, *, check_stable: bool = False) -> GeneratedPackage:
    """Build, format and collect every file of the node package for ``spec``."""
    package = GeneratedPackage(spec)
    context = node_context(spec)  # the selector runs once per package
    for path, tree in sorted(build_modules(spec, context).items()):
        package.files[path] = emit(tree, check_stable=check_stable)
    package.files["contract.yaml"] = render_contract(context)
    if spec.database is not None:
        package.files[migration_path(spec)] = migration_sql(spec)
    package.files[MANIFEST] = render_manifest(spec, package.files, __version__)
    return package
