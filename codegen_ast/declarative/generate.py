"""Spec -> every file of a node package in the declarative shape, in memory."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast._version import __version__
from codegen_ast.collisions import check_modules, check_spec
from codegen_ast.decisions import SERVICE_FIX, service_fix
from codegen_ast.declarative.contract import build_contract, payload_keyed
from codegen_ast.declarative.defaults import default_run
from codegen_ast.declarative.entry import build_entry
from codegen_ast.declarative.kinds import kind_events, registry_base, step_events
from codegen_ast.declarative.models import build_answer_model, build_payload_model, build_request_model
from codegen_ast.declarative.names import DeclarativeNames
from codegen_ast.declarative.operation import build_operation_handler
from codegen_ast.declarative.registry import EventDecl, RegistryParts, build_registry
from codegen_ast.declarative.shell import build_shell
from codegen_ast.declarative.testgen import build_test_modules
from codegen_ast.emit import finish_emit, start_emit
from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.files.package_init import build_reexports
from codegen_ast.generate import GeneratedPackage, node_context
from codegen_ast.manifest import MANIFEST, render_manifest
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.patterns.events.declarative import published_topics
from codegen_ast.patterns.registry import build_declarative_contributions
from codegen_ast.spec import NodeSpec
from codegen_ast.support import SUPPORT_API, SUPPORT_MANIFEST, support_files, support_manifest
from codegen_ast.target import BASE_CLASSES, SERVICE_WRAPPERS, WRAPPER_MIXINS
from codegen_ast.target.catalogue import BY_NAME, MixinInfo, ordered_bases


def service_shell(spec: NodeSpec) -> bool:
    """Whether the shell takes the framework's service wrapper as its base: only
    when the spec asks for service mode (MixinNodeService among its mixins); the
    handlers carry the node's behaviour either way."""
    return "MixinNodeService" in spec.mixins


def shell_mixins(spec: NodeSpec) -> tuple[list[MixinInfo], list[MixinInfo]]:
    """The mixins of ``spec.mixins`` the shell lists among its bases, split into those
    before the node base and those after it: every one its bases (the plain node base,
    or the service wrapper and LongLivedNode when it has one) do not have already;
    MixinDiscoveryResponder is held by the node's discovery handler instead (the
    discovery pattern)."""
    has = set(WRAPPER_MIXINS[spec.node_type]) if service_shell(spec) else set()
    if service_fix(spec.node_type, spec.mixins):
        has |= {"MixinNodeService", "MixinEventBus"}  # LongLivedNode's bases
    wanted = [name for name in spec.mixins if name not in has and BY_NAME[name].use == "base"]
    return ordered_bases(spec.node_type, wanted)


def _shell(context: NodeContext, names: DeclarativeNames) -> cst.Module:
    spec = context.spec
    service = service_shell(spec)
    base = SERVICE_WRAPPERS[spec.node_type] if service else BASE_CLASSES[spec.node_type]
    imports = b.ImportSet().add(base.module, base.name)
    node_base: b.ExprLike = base.name
    if context.kind.generic:  # NodeCompute / NodeReducer and their service wrappers
        imports.add(f".models.{names.request_module}", names.request_model)
        imports.add(f".models.{names.answer_module}", names.answer_model)
        node_base = b.subscript(base.name, names.request_model, names.answer_model)
    before, after = shell_mixins(spec)
    mixin_bases: list[b.ExprLike] = []
    for info in (*before, *after):
        imports.add(info.symbol.module, info.name)
        if info.generic:  # MixinEventBus: generic in its event and payload types
            imports.add("typing", "Any")
        mixin_bases.append(b.subscript(info.name, "Any", "Any") if info.generic else info.name)
    bases = [*mixin_bases[: len(before)], node_base, *mixin_bases[len(before) :]]
    if service_fix(spec.node_type, spec.mixins):  # right after the wrapper: before its MixinNodeService
        imports.add(SERVICE_FIX.module, SERVICE_FIX.name)
        bases.insert(len(before) + 1, SERVICE_FIX.name)
    return build_shell(spec.class_name, bases, imports, spec.description,
                       f"{spec.class_name}: the {spec.node_type} node {spec.name!r}, declarative.")


def _registry(context: NodeContext, names: DeclarativeNames, contributions: Sequence[Contribution]) -> cst.Module:
    base, leading = registry_base(context.spec)
    parts = RegistryParts(resources=[resource for c in contributions for resource in c.resources], base=base,
                          leading=leading)
    topics = published_topics(context)
    declared = dict.fromkeys([*(event for c in contributions for events in c.events.values() for event in events),
                              *kind_events(context.spec), *step_events(context.spec)])
    parts.events = [EventDecl(names.event_constant(event), event, topics[event]) for event in declared]
    return build_registry(context.spec.class_name, context.spec.name, names.resources_class, parts, SUPPORT_API)


def operation_handlers(
    spec: NodeSpec, context: NodeContext, names: DeclarativeNames, contributions: Sequence[Contribution]
) -> dict[str, cst.Module]:
    """``handlers/handler_<operation>.py`` of each operation: the body a pattern
    contributed, else the default run."""
    runs = {op: run for c in contributions for op, run in c.runs.items()}
    events: dict[str, list[str]] = {}
    for contribution in contributions:
        for name, declared in contribution.events.items():
            events.setdefault(name, []).extend(declared)
    cached = {op for c in contributions for op in c.cached}
    handlers: dict[str, cst.Module] = {}
    for operation in spec.effective_operations:
        handlers[f"handlers/{names.handler_module(operation.name)}.py"] = build_operation_handler(
            names,
            operation.name,
            operation.description or f"The {operation.name} operation of {spec.class_name}.",
            runs.get(operation.name) or default_run(context),
            [names.event_constant(event) for event in events.get(operation.name, [])],
            cached=operation.name in cached,
            routed=operation.routed,
        )
    return handlers


def entry_modules(
    spec: NodeSpec, context: NodeContext, names: DeclarativeNames, contributions: Sequence[Contribution]
) -> dict[str, cst.Module]:
    """``node.py`` (the shell), ``handler.py`` (the entry handler) and ``handlers/__init__.py``."""
    routes = [(f".handlers.{names.handler_module(op.name)}", names.handler_class(op.name)) for op in spec.effective_operations]
    handler_exports = [(module.removeprefix(".handlers"), name) for module, name in routes]
    for contribution in contributions:
        handler_exports += contribution.handler_exports
    request = (f".models.{names.request_module}", names.request_model)
    answer = (f".models.{names.answer_module}", names.answer_model)
    return {
        "node.py": _shell(context, names),
        "handler.py": build_entry(spec.class_name, names.entry_class, routes, request, answer),
        "handlers/__init__.py": build_reexports(f"The handlers of {spec.class_name}.", handler_exports),
    }


def build_declarative_modules(
    spec: NodeSpec, context: NodeContext, contributions: Sequence[Contribution]
) -> dict[str, cst.Module]:
    names = DeclarativeNames.of(spec)
    handlers = operation_handlers(spec, context, names, contributions)
    model_exports = [(f".{names.request_module}", names.request_model), (f".{names.answer_module}", names.answer_model)]
    package_models: dict[str, cst.Module] = {}
    for contribution in contributions:
        model_exports += contribution.model_exports
    if payload_keyed(names, [route for contribution in contributions for route in contribution.routes]):
        for routed_by, (model, file) in names.payload_models().items():
            package_models[f"models/{file}.py"] = build_payload_model(names, routed_by, spec.routed(routed_by), model)
            model_exports.append((f".{file}", model))
    package = {
        "__init__.py": build_reexports(
            f"The {spec.node_type} node package {spec.package_name} (declarative).",
            [(".node", spec.class_name), (".handler", names.entry_class), *((".models", item) for _, item in model_exports[:2])],
        ),
        **entry_modules(spec, context, names, contributions),
        "models/__init__.py": build_reexports(f"The models of {spec.class_name}.", model_exports),
        f"models/{names.request_module}.py": build_request_model(spec, names),
        f"models/{names.answer_module}.py": build_answer_model(spec, names),
        "registry/__init__.py": build_reexports(
            f"What the handlers of {spec.class_name} are given.",
            [(f".{names.registry_module}", "REGISTRY"), (f".{names.registry_module}", names.resources_class)],
        ),
        f"registry/{names.registry_module}.py": _registry(context, names, contributions),
        **package_models,
    }
    groups: dict[str, dict[str, cst.Module]] = {
        "the package": package,
        "the operation handlers": handlers,
        "the tests": build_test_modules(context, names, contributions),
    }
    for index, contribution in enumerate(contributions):
        groups[f"pattern contribution {index}"] = contribution.modules
    return check_modules(groups)


def generate_declarative(spec: NodeSpec, *, check_stable: bool = False) -> GeneratedPackage:
    """Build, format and collect every file of the declarative package for ``spec``
    (``onex_support`` is the output folder's, in ``beside``: see
    :mod:`codegen_ast.declarative.support_folder`)."""
    check_spec(spec)
    package = GeneratedPackage(spec)
    context = node_context(spec)
    contributions = build_declarative_contributions(context)
    names = DeclarativeNames.of(spec)
    modules = build_declarative_modules(spec, context, contributions)
    formatting = start_emit(dict(sorted(modules.items())), ruff=True)  # ruff formats while the contract is built
    topics = list(published_topics(context).values())
    try:
        contract = build_contract(context, names, contributions, topics)
    finally:  # waited for even when the contract fails: no process or folder left behind
        formatted = finish_emit(formatting, check_stable=check_stable)
    package.files.update(formatted)
    package.files["contract.yaml"] = contract
    for contribution in contributions:
        package.files |= contribution.texts
    package.files[MANIFEST] = render_manifest(spec, package.files, __version__)
    package.beside = support_files() | {SUPPORT_MANIFEST: support_manifest(__version__)}
    return package
