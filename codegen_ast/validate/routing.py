"""The handlers a contract names, found statically: where the framework would import them from.

omnibase-core 0.47.57 reads three handler references from a contract:

- ``handler_routing.default_handler``, ``"module:Class"``; a module without a dot
  is taken relative to the contract's package (``RuntimeLocal._resolve_default_handler``);
- ``handler_routing.handlers[].handler``, ``{name, module}`` (``RuntimeLocal``'s
  event-driven path imports every entry);
- the top-level ``handler``, ``{module, class}`` (the single-handler path, and what
  ``onex new node`` writes).

Each is resolved without importing anything: the module as Python would find it
(the package's source tree first, then the target environment), or inside the
node package under the name its project installs it as; the class must be
defined there. ``onex compliance check`` asks something else: a *file* beside
``contract.yaml`` — ``<default_handler's module part>.py`` or ``handler.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen_ast.validate.contracts import LoadedContract
from codegen_ast.validate.modules import ModuleIndex, location_of
from codegen_ast.validate.nodes import ClassResolver, LocalClass
from codegen_ast.validate.rules import Finding, Rule
from codegen_ast.validate.source import CONTRACT_NAME, Workspace

HANDLER_UNRESOLVED = Rule(
    "STR010", "structure", "error",
    "a handler contract.yaml names does not resolve",
    "point the reference at an existing module and class: handler_routing.default_handler as "
    "'package.module:Class', handlers[].handler as {name: Class, module: package.module}",
)
NO_HANDLER_FILE = Rule(
    "STR011", "structure", "warning",
    "no handler.py beside contract.yaml: `onex compliance check` fails its handler_resolution check",
    "add handler.py beside contract.yaml holding the node's entry handler, and name it in "
    "handler_routing.default_handler ('<package>.handler:<Class>'); the CLI looks for that file, "
    "not for the module default_handler names",
)
RULES = (HANDLER_UNRESOLVED, NO_HANDLER_FILE)


@dataclass(frozen=True)
class HandlerReference:
    """One handler a contract names: where, what, and what was found."""

    key: str  # "handler_routing.default_handler", "handler_routing.handlers[2].handler", "handler"
    line: int
    module: str
    name: str
    found: LocalClass | None  # the class, when its source could be read
    problem: str | None  # why it does not resolve; None when it does (or cannot be told)


def handler_references(contract: LoadedContract, index: ModuleIndex, resolver: ClassResolver) -> list[HandlerReference]:
    """Every handler the contract names, resolved as far as the source allows."""
    references: list[HandlerReference] = []
    data = contract.data if isinstance(contract.data, dict) else {}
    routing = contract.routing
    default = routing.get("default_handler")
    key = "handler_routing.default_handler"
    if isinstance(default, str) and default:
        line = contract.key_line("handler_routing", "default_handler")
        if ":" not in default:
            references.append(HandlerReference(
                key, line, default, "", None,
                f"{key} {default!r} is not 'module:Class': RuntimeLocal cannot resolve it"))
        else:
            module, _, name = default.rpartition(":")
            references.append(_resolve(key, line, module, name, contract, index, resolver))
    entries = routing.get("handlers")
    for position, entry in enumerate(entries if isinstance(entries, list) else []):
        handler = entry.get("handler") if isinstance(entry, dict) else None
        if not isinstance(handler, dict):
            continue  # an entry without a {name, module} handler: the typed model judges its shape
        module_value, name_value = handler.get("module"), handler.get("name")
        key = f"handler_routing.handlers[{position}].handler"
        line = contract.key_line("handler_routing", "handlers", position, "handler")
        if not (isinstance(module_value, str) and module_value and isinstance(name_value, str) and name_value):
            references.append(HandlerReference(key, line, str(module_value or ""), str(name_value or ""), None,
                                               f"{key} needs both a module and a name"))
            continue
        references.append(_resolve(key, line, module_value, name_value, contract, index, resolver))
    single = data.get("handler")
    if isinstance(single, dict) and isinstance(single.get("module"), str) and isinstance(single.get("class"), str):
        references.append(_resolve("handler", contract.key_line("handler"), str(single["module"]),
                                   str(single["class"]), contract, index, resolver))
    return references


def _resolve(
    key: str, line: int, module: str, name: str, contract: LoadedContract, index: ModuleIndex, resolver: ClassResolver
) -> HandlerReference:
    if "." in module:
        location = index.reference(module, contract.path)
    else:  # a bare module lives in the contract's own package (RuntimeLocal._infer_package_module)
        folder = contract.path.parent
        file = next((path for path in (folder / f"{module}.py", folder / module / "__init__.py") if path.is_file()),
                    None)
        location = location_of(file) if file is not None else None
    if location is None:
        return HandlerReference(key, line, module, name, None, f"{key}: module {module!r} not found")
    found = resolver.class_in(location.source, name) if location.local and location.source else None
    defined = True if found is not None else index.has_attribute(location, name)
    problem = f"{key}: {module} defines no class {name!r}" if defined is False else None
    return HandlerReference(key, line, module, name, found, problem)


def routing_findings(contract: LoadedContract, references: list[HandlerReference], workspace: Workspace) -> list[Finding]:
    shown = workspace.display(contract.path)
    return [HANDLER_UNRESOLVED.finding(shown, reference.line, reference.problem)
            for reference in references if reference.problem is not None]


def handler_file_findings(contract: LoadedContract, workspace: Workspace) -> list[Finding]:
    """STR011: the file `onex compliance check` looks for (cli/cli_compliance.py: its
    methods A-C): ``<module part of default_handler>.py`` or ``handler.py`` beside the contract."""
    folder = contract.path.parent
    default = contract.routing.get("default_handler")
    module_part = default.split(":")[0] if isinstance(default, str) and default else None
    if (folder / "handler.py").is_file() or (module_part and (folder / f"{module_part}.py").is_file()):
        return []
    line = contract.key_line("handler_routing", "default_handler") if module_part else 1
    return [NO_HANDLER_FILE.finding(
        workspace.display(contract.path), line,
        f"no handler.py beside {CONTRACT_NAME}: `onex compliance check` fails its handler_resolution check",
    )]
