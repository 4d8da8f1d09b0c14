"""``upgrade --to declarative``: a hand-written node whose ``process()`` routes
by operation, moved into the declarative shape (docs/declarative-shape.md).

What it takes: one node class whose ``process(self, request: In) -> Out`` is a
chain of ``if request.operation == "x": ...`` / ``elif`` (or a ``match
request.operation`` with ``case "x":``) ending in a ``raise`` of
``INVALID_OPERATION``; ``In`` and ``Out`` imported from the user's modules
(``In`` with ``operation`` and ``correlation_id``); branches that use no node
state (``self.<helper>()`` calls to the class's own methods are fine: the
helpers move with them).

What it writes, beside ``node.py``: ``handlers/handler_<op>.py`` (one
``OperationHandler`` per branch, its body as ``run``), ``handler.py`` (the
entry handler, an ``OperationRouter``), ``registry/registry_<name>.py`` (the
node's resources), ``handler_routing`` in ``contract.yaml``, ``node.py`` as a
shell, and the shared ``onex_support`` package beside the top-level package
when it is not there. The models stay where they are.

Anything else is left unchanged, with the reason. The one behaviour that
changes is documented by the shape: an exception other than ``ModelOnexError``
escaping an operation reaches the caller as a ``ModelOnexError`` (the handler
base maps it); ``ModelOnexError`` codes are kept.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from ruamel.yaml import YAML

from codegen_ast import builders as b
from codegen_ast.builders import ImportSet
from codegen_ast.builders.definitions import Param
from codegen_ast.declarative.entry import build_entry
from codegen_ast.declarative.registry import RegistryParts, build_registry
from codegen_ast.declarative.shell import shell_init
from codegen_ast.emit import format_source
from codegen_ast.support import SUPPORT_API
from codegen_ast.target import CONTAINER
from codegen_ast.upgrade.defined import defined_names
from codegen_ast.upgrade.files import contract_facts, read_python
from codegen_ast.upgrade.formatting import code_of
from codegen_ast.upgrade.infer import snake_name
from codegen_ast.upgrade.nodes import NodeClass, find_node_classes, methods
from codegen_ast.upgrade.surface import Resolver, class_surface
from codegen_ast.validate.modules import module_name, package_parts

SUPPORT = "onex_support"
_INVALID = "INVALID_OPERATION"


class CannotMigrate(Exception):
    """Why a node is left as it is."""


@dataclass
class Migration:
    path: Path
    files: dict[Path, str] = field(default_factory=dict)  # every file written, with its new text
    originals: dict[Path, str] = field(default_factory=dict)  # the old text of files that existed
    operations: tuple[str, ...] = ()
    reason: str | None = None  # set when the node is left unchanged

    @property
    def changed(self) -> bool:
        return self.reason is None and bool(self.files)


@dataclass(frozen=True)
class _Route:
    operation: str
    body: list[cst.BaseStatement]


def _operation_test(test: cst.BaseExpression, parameter: str) -> str | None:
    """``request.operation == "x"`` -> "x"."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal) or code_of(test.left) != f"{parameter}.operation":
        return None
    value = target.comparator
    if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
        return value.evaluated_value
    return None


def _body(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    return list(suite.body) if isinstance(suite, cst.IndentedBlock) else []


def _routes(function: cst.FunctionDef, parameter: str) -> tuple[list[_Route], list[cst.BaseStatement]]:
    """The operation branches of ``process`` and the statements that handle any other operation."""
    statements = _body(function.body)
    if statements and function.get_docstring() is not None:
        statements = statements[1:]
    if not statements:
        raise CannotMigrate("process() is empty")
    first, rest = statements[0], statements[1:]
    routes: list[_Route] = []
    if isinstance(first, cst.If):
        branch: cst.If | cst.Else | None = first
        while isinstance(branch, cst.If):
            operation = _operation_test(branch.test, parameter)
            if operation is None:
                raise CannotMigrate(f"process() branches on `{code_of(branch.test)}`, not on {parameter}.operation")
            routes.append(_Route(operation, _body(branch.body)))
            branch = branch.orelse
        fallback = (_body(branch.body) if isinstance(branch, cst.Else) else []) + list(rest)
    elif isinstance(first, cst.Match) and code_of(first.subject) == f"{parameter}.operation" and not rest:
        fallback = []
        for case in first.cases:
            pattern = case.pattern
            if isinstance(pattern, cst.MatchValue) and isinstance(pattern.value, cst.SimpleString) and case.guard is None:
                value = pattern.value.evaluated_value
                assert isinstance(value, str)
                routes.append(_Route(value, _body(case.body)))
            elif isinstance(pattern, cst.MatchAs) and pattern.pattern is None and pattern.name is None:
                fallback = _body(case.body)
            else:
                raise CannotMigrate(f"process() matches `{code_of(pattern)}`, not an operation name")
    else:
        raise CannotMigrate(f"process() does not start by routing on {parameter}.operation (if/elif or match)")
    if not routes:
        raise CannotMigrate("process() routes no operation")
    if len({route.operation for route in routes}) != len(routes):
        raise CannotMigrate("process() routes one operation twice")
    return routes, fallback


def _check_fallback(fallback: list[cst.BaseStatement]) -> None:
    """Unknown operations must fail as the entry handler makes them fail: INVALID_OPERATION."""
    code = "".join(code_of(statement) for statement in fallback)
    if len(fallback) != 1 or not code.lstrip().startswith("raise") or _INVALID not in code:
        shown = code.strip().splitlines()[0] if code.strip() else "returns None"
        raise CannotMigrate(
            f"for an unknown operation process() `{shown}`; the declarative entry handler raises "
            f"ModelOnexError({_INVALID}), so callers would see another error"
        )


def _self_uses(nodes: Iterable[cst.CSTNode]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        tree = ast.parse(code_of(node).strip("\n") + "\n")
        for item in ast.walk(tree):
            if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == "self":
                found.add(item.attr)
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Name) and item.func.id == "super":
                found.add("super()")
    return found


def _helpers(body: list[cst.BaseStatement], own: dict[str, cst.FunctionDef]) -> list[cst.FunctionDef]:
    """The class's methods the branch calls, directly or through each other; refuses node state."""
    needed: dict[str, cst.FunctionDef] = {}
    pending = sorted(_self_uses(body))
    while pending:
        name = pending.pop()
        if name == "super()":
            raise CannotMigrate("an operation calls super(): the node's base cannot come along to a handler")
        if name in needed:
            continue
        if name not in own or name in ("process", "__init__"):
            raise CannotMigrate(
                f"an operation reads self.{name}, node state a handler cannot share: keep it in a resource first"
            )
        needed[name] = own[name]
        pending += sorted(_self_uses([own[name]]) - set(needed))
    return [needed[name] for name in own if name in needed]


def _ends(body: list[cst.BaseStatement]) -> bool:
    if not body:
        return False
    last = body[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Return, cst.Raise))


def _imports(module: cst.Module) -> dict[str, tuple[str, str]]:
    """name -> (module, imported name or "") for the module's top-level imports."""
    found: dict[str, tuple[str, str]] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                origin = "." * len(small.relative) + (code_of(small.module) if small.module else "")
                for alias in small.names:
                    bound = code_of(alias.asname.name) if alias.asname else code_of(alias.name)
                    item = code_of(alias.name) + (f" as {bound}" if alias.asname else "")
                    found[bound] = (origin, item)
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is None:
                        found[code_of(alias.name).split(".")[0]] = (code_of(alias.name), "")
    return found


def _deeper(origin: str) -> str:
    """A relative import written in node.py, as written one package further down."""
    return "." + origin if origin.startswith(".") else origin


def _names(nodes: Iterable[cst.CSTNode]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        text = code_of(node)
        found |= {item.id for item in ast.walk(ast.parse(text)) if isinstance(item, ast.Name)}
    return found


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _absolute(origin: str, package: str) -> str:
    if not origin.startswith("."):
        return origin
    dots = len(origin) - len(origin.lstrip("."))
    parts = package.split(".")
    return ".".join(parts[: len(parts) - (dots - 1)] + ([origin.lstrip(".")] if origin.lstrip(".") else []))


def _model_fields(resolver: Resolver, path: Path, origin: str, name: str) -> set[str]:
    source = f"from {origin} import {name}\nclass _Probe({name}):\n    pass\n"
    surface = class_surface(source, "_Probe", path, resolver)
    if len(surface.bases) < 2:  # the model itself was not found (its bases, pydantic's, need not be read)
        raise CannotMigrate(f"its model {name} could not be read from {origin}")
    return set(surface.members)


def _render(module: cst.Module) -> str:
    return format_source(module.code)


def _import_lines(requests: Iterable[tuple[str, str]]) -> list[cst.SimpleStatementLine]:
    lines = ImportSet()
    for origin, item in sorted(set(requests)):
        if item:
            lines.add(origin, item)
        else:
            lines.add(origin)
    return lines.statements()


def migrate_node(path: Path) -> Migration:
    """The declarative shape of the node in ``path`` (nothing is written), or why not."""
    migration = Migration(path)
    try:
        _migrate(path, migration)
    except CannotMigrate as error:
        migration.reason = str(error)
        migration.files = {}
    return migration


def _node_class(module: cst.Module) -> tuple[NodeClass, cst.ClassDef]:
    nodes = [node for node in find_node_classes(module) if not node.shell]
    if not nodes:
        shells = [node for node in find_node_classes(module) if node.shell]
        raise CannotMigrate("it is declarative already" if shells else "it holds no node class")
    if len(nodes) > 1:
        raise CannotMigrate(f"it holds {len(nodes)} node classes; a package holds one node")
    node = nodes[0]
    class_def = next(c for c in module.body if isinstance(c, cst.ClassDef) and c.name.value == node.name)
    return node, class_def


def _migrate(path: Path, migration: Migration) -> None:
    text, _ = read_python(path)
    module = cst.parse_module(text)
    node, class_def = _node_class(module)
    own = methods(class_def)
    process = own.get("process")
    if process is None or process.asynchronous is None:
        raise CannotMigrate(f"{node.name} has no async process() to route by operation")
    params = process.params.params
    if len(params) != 2 or params[1].annotation is None or process.returns is None:
        raise CannotMigrate("process() is not `process(self, request: In) -> Out`")
    parameter = params[1].name.value
    request_type, answer_type = code_of(params[1].annotation.annotation), code_of(process.returns.annotation)
    imports = _imports(module)
    for model in (request_type, answer_type):
        if model not in imports or not imports[model][1]:
            raise CannotMigrate(f"its model {model} is not imported from a models module (the models stay where they are)")
    resolver = Resolver(path)
    package = module_name(path).rpartition(".")[0]
    if not package:
        raise CannotMigrate("node.py is not inside a package (no __init__.py beside it)")
    request_module = _absolute(imports[request_type][0], package)
    fields = _model_fields(resolver, path, request_module, imports[request_type][1])
    missing = [name for name in ("operation", "correlation_id") if name not in fields]
    if missing:
        raise CannotMigrate(f"its request model {request_type} has no {' and no '.join(missing)}, which handlers route and log by")
    init = own.get("__init__")
    if init is not None and not node.shell and len(_body(init.body)) > 1:
        raise CannotMigrate(f"{node.name}.__init__ keeps state ({_state(init)}): a shell holds none, and each handler would get its own")
    routes, fallback = _routes(process, parameter)
    _check_fallback(fallback)
    used_helpers: set[str] = set()
    handlers: dict[str, tuple[list[cst.BaseStatement], list[cst.FunctionDef]]] = {}
    for route in routes:
        if not _ends(route.body):
            raise CannotMigrate(f"the {route.operation!r} branch does not end in return or raise")
        helpers = _helpers(route.body, own)
        used_helpers |= {helper.name.value for helper in helpers}
        handlers[route.operation] = (route.body, helpers)
    others = [
        name for name in [*own, *_class_names(class_def)]
        if name not in used_helpers and name not in ("process", "__init__")
    ]
    if others:
        raise CannotMigrate(f"{node.name} has members no operation uses, which a shell cannot keep: {', '.join(others)}")

    name, _ = contract_facts(path)
    name = name or snake_name(node.name, node.node_type)
    camel = _camel(name)
    folder = path.parent
    resources = f"{camel}Resources"
    local = {name for statement in kept_definitions(module, class_def) for name in defined_names(statement)}
    for operation, (body, helpers) in handlers.items():
        target = folder / "handlers" / f"handler_{operation}.py"
        migration.files[target] = _handler_module(
            node.name, operation, parameter, request_type, answer_type, body, helpers, imports, name, resources, local
        )
    routes_names = [f"Handler{_camel(operation)}" for operation in handlers]
    migration.files[folder / "handlers" / "__init__.py"] = _render(
        b.module(
            [*_import_lines((f".handler_{op}", cls) for op, cls in zip(handlers, routes_names, strict=True)),
             b.assign("__all__", b.literal(sorted(routes_names)))],
            doc=f"The operation handlers of {node.name}.",
        )
    )
    migration.files[folder / "registry" / "__init__.py"] = _render(
        b.module(
            [*_import_lines([(f".registry_{name}", "REGISTRY"), (f".registry_{name}", resources)]),
             b.assign("__all__", b.literal(sorted(["REGISTRY", resources])))],
            doc=f"What the handlers of {node.name} are given.",
        )
    )
    migration.files[folder / "registry" / f"registry_{name}.py"] = _registry_module(node.name, name, resources)
    migration.files[folder / "handler.py"] = _entry_module(
        node.name, camel, routes_names, list(handlers), request_type, answer_type, imports
    )
    migration.files[path] = _shell_module(module, class_def, imports)
    contract_path = folder / "contract.yaml"
    original_contract = contract_path.read_text(encoding="utf-8") if contract_path.is_file() else None
    migration.files[contract_path] = _contract(
        original_contract, name, node.node_type, package, camel, list(handlers), node_description(class_def),
        (request_module, imports[request_type][1]),
        (_absolute(imports[answer_type][0], package), imports[answer_type][1]),
    )
    root, _ = package_parts(path)
    if not (root / SUPPORT).is_dir():
        from codegen_ast._version import __version__
        from codegen_ast.support import SUPPORT_MANIFEST, support_files, support_manifest

        for relative, content in support_files().items():
            migration.files[root / relative] = content
        migration.files[root / SUPPORT_MANIFEST] = support_manifest(__version__)
    migration.originals = {p: p.read_text(encoding="utf-8") for p in migration.files if p.is_file()}
    migration.operations = tuple(handlers)


def _state(init: cst.FunctionDef) -> str:
    names = sorted(_self_uses([init]) - {"super()"})
    return ", ".join(f"self.{item}" for item in names) or "statements besides super().__init__"


def _class_names(class_def: cst.ClassDef) -> list[str]:
    found = []
    for statement in _body(class_def.body):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    found.append(code_of(small.targets[0].target if isinstance(small, cst.Assign) else small.target))
        elif isinstance(statement, cst.ClassDef):
            found.append(statement.name.value)
    return found


def node_description(class_def: cst.ClassDef) -> str:
    doc = class_def.get_docstring(clean=True)
    return doc.strip().splitlines()[0] if doc and doc.strip() else f"The node {class_def.name.value}."


def _handler_module(
    node: str,
    operation: str,
    parameter: str,
    request_type: str,
    answer_type: str,
    body: list[cst.BaseStatement],
    helpers: list[cst.FunctionDef],
    imports: dict[str, tuple[str, str]],
    name: str,
    resources: str,
    local: set[str],
) -> str:
    run = b.method(
        "run",
        [Param(parameter, request_type), Param("resources", resources)],
        body,
        returns=answer_type,
        is_async=True,
        doc=f"The {operation!r} branch of {node}.process().",
    )
    used = _names([*body, *helpers]) | {request_type, answer_type}
    requests = {(_deeper(imports[n][0]), imports[n][1]) for n in sorted(used) if n in imports}
    requests |= {("..node", n) for n in sorted(used & local)}
    requests |= {(f"{SUPPORT}.handlers", "OperationHandler"), (f"..registry.registry_{name}", "REGISTRY"),
                 (f"..registry.registry_{name}", resources)}
    handler = b.class_(
        f"Handler{_camel(operation)}",
        [b.subscript("OperationHandler", request_type, answer_type, resources)],
        [b.assign("operation", b.string_literal(operation)), b.assign("registry", "REGISTRY"), run,
         *(helper.with_changes(leading_lines=[]) for helper in helpers)],
        doc=f"The {operation!r} operation of {node}.",
    )
    return _render(b.module([*_import_lines(requests), handler], doc=f"The {operation!r} operation of {node}, moved from its process()."))


def _registry_module(node: str, name: str, resources: str) -> str:
    return _render(build_registry(node, name, resources, RegistryParts(), SUPPORT_API))


def _entry_module(
    node: str,
    camel: str,
    routes: list[str],
    operations: list[str],
    request_type: str,
    answer_type: str,
    imports: dict[str, tuple[str, str]],
) -> str:
    modules = [(f".handlers.handler_{op}", cls) for op, cls in zip(operations, routes, strict=True)]
    return _render(build_entry(node, f"{camel}Operations", modules, imports[request_type], imports[answer_type]))


def kept_definitions(module: cst.Module, class_def: cst.ClassDef) -> list[cst.BaseStatement]:
    """The module's own top-level code besides imports and the node class (constants,
    functions, other classes): it stays in node.py, where the handlers import it from."""
    kept: list[cst.BaseStatement] = []
    for index, statement in enumerate(module.body):
        if statement is class_def or (index == 0 and module.get_docstring() is not None):
            continue
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            continue
        if isinstance(statement, cst.If) and code_of(statement.test).strip() == "TYPE_CHECKING":
            continue
        kept.append(statement)
    return kept


def _shell_module(module: cst.Module, class_def: cst.ClassDef, imports: dict[str, tuple[str, str]]) -> str:
    kept = kept_definitions(module, class_def)
    used = _names([base.value for base in class_def.bases]) | (_names(kept) if kept else set())
    requests = {imports[n] for n in sorted(used) if n in imports}
    container = (CONTAINER.module, CONTAINER.name)
    init = shell_init()
    doc = class_def.get_docstring(clean=True)
    shell = class_def.with_changes(
        body=b.class_("_", [], [init], doc=doc).body, leading_lines=[]
    )
    checking = cst.If(test=b.name("TYPE_CHECKING"), body=cst.IndentedBlock(_import_lines([container])))
    header = module.get_docstring(clean=False)
    body = [
        *_import_lines([("__future__", "annotations"), ("typing", "TYPE_CHECKING"), *requests]),
        checking,
        *kept,
        shell,
    ]
    return _render(b.module(body, doc=header))


def _contract(
    original: str | None,
    name: str,
    node_type: str,
    package: str,
    camel: str,
    operations: list[str],
    description: str,
    request: tuple[str, str],
    answer: tuple[str, str],
) -> str:
    yaml = YAML(typ="rt", pure=True)
    data = yaml.load(original) if original else None
    if data is None:
        version = {"major": 1, "minor": 0, "patch": 0}
        data = {
            "name": name,
            "contract_version": dict(version),
            "node_version": dict(version),
            "node_type": f"{node_type.upper()}_GENERIC",
            "description": description,
            "input_model": {"name": request[1], "module": request[0]},
            "output_model": {"name": answer[1], "module": answer[0]},
        }
    elif "handler_routing" in data:
        raise CannotMigrate("its contract.yaml routes to handlers already")
    data["handler_routing"] = {
        "routing_strategy": "operation_match",
        "default_handler": f"{package}.handler:{camel}Operations",
        "handlers": [
            {"operation": op, "handler": {"name": f"Handler{_camel(op)}", "module": f"{package}.handlers.handler_{op}"}}
            for op in operations
        ],
    }
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def write_migration(migration: Migration) -> None:
    """Write every file of ``migration`` (folders made as needed), each in one step."""
    from codegen_ast.upgrade.files import write_atomically

    for path, text in migration.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("", encoding="utf-8")
        write_atomically(path, text)
