"""Find the node classes of a module and what their bases already provide.

A node class is a top-level class that inherits an omnibase-core node base or
wrapper (``NodeEffect``, ``ModelServiceEffect``, ... — matched by name, so the
older import paths of the seed's API count too), directly or through a local
class of the same module; a ``Node<Name><Kind>`` class whose bases we cannot
see (an in-house base from another package); or the class ``onex new node``
writes (no base, one ``apply_effect``-style method that raises
NotImplementedError). Local intermediate bases are not upgraded, only leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from codegen_ast.spec import NODE_TYPES

KIND_SUFFIX = {kind: kind.capitalize() for kind in NODE_TYPES}
# the framework's node bases and convenience wrappers, by name -> (node type, is wrapper)
FRAMEWORK_BASES: dict[str, tuple[str, bool]] = {
    **{f"Node{suffix}": (kind, False) for kind, suffix in KIND_SUFFIX.items()},
    **{f"ModelService{suffix}": (kind, True) for kind, suffix in KIND_SUFFIX.items()},
}
# the method `onex new node` writes, by node type
SCAFFOLD_METHODS = {
    "effect": "apply_effect",
    "compute": "compute",
    "reducer": "reduce_state",
    "orchestrator": "orchestrate",
}
# entry points a hand-written node may have, in order of preference
ENTRY_METHODS = {
    "effect": ("process", "execute_effect"),
    "compute": ("process", "execute_compute"),
    "reducer": ("process", "execute_reduction"),
    "orchestrator": ("process", "execute_orchestration"),
}
# what a runtime calls on a handler (RuntimeLocal's order)
HANDLER_METHODS = ("handle", "execute", "run")
_NODE_NAME = re.compile(r"Node[A-Z]\w*?(Effect|Compute|Reducer|Orchestrator)")


@dataclass(frozen=True)
class NodeClass:
    """One node class of a module, as the upgrade sees it."""

    name: str
    node_type: str
    base: str | None  # the framework base or wrapper it inherits, None if unknown
    mixins: tuple[str, ...]  # mixins listed on it or on its local bases
    resolved: bool  # every base is a framework name or a local class
    scaffold: bool  # the stub `onex new node` writes
    shell: bool = False  # a declarative shell: a docstring and __init__ calling super().__init__ only
    handler: bool = False  # an operation handler of a declarative node (upgraded in the shell's place)

    @property
    def uses_wrapper(self) -> bool:
        return self.base is not None and FRAMEWORK_BASES[self.base][1]


def base_name(expression: cst.BaseExpression) -> str | None:
    """``NodeEffect``, ``nodes.NodeEffect`` and ``ModelServiceCompute[A, B]`` -> the class name."""
    if isinstance(expression, cst.Subscript):
        expression = expression.value
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        return expression.attr.value
    return None


def class_bases(node: cst.ClassDef) -> list[str | None]:
    return [base_name(arg.value) for arg in node.bases if arg.keyword is None and arg.star == ""]


def methods(node: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return {item.name.value: item for item in body if isinstance(item, cst.FunctionDef)}


def docstring_free(body: cst.BaseSuite) -> list[cst.BaseStatement]:
    """The statements of an indented body after its docstring (none for a one-line body)."""
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else []
    if statements and is_docstring(statements[0]):
        statements = statements[1:]
    return statements


def is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def placeholder(function: cst.FunctionDef) -> cst.SimpleStatementLine | None:
    """The ``raise NotImplementedError(...)`` that is a function's whole body, if it is."""
    rest = docstring_free(function.body)
    if len(rest) != 1 or not isinstance(rest[0], cst.SimpleStatementLine) or len(rest[0].body) != 1:
        return None
    statement = rest[0].body[0]
    if not isinstance(statement, cst.Raise) or statement.exc is None:
        return None
    raised = statement.exc.func if isinstance(statement.exc, cst.Call) else statement.exc
    if isinstance(raised, cst.Name) and raised.value == "NotImplementedError":
        return rest[0]
    return None


def _scaffold_kind(node: cst.ClassDef) -> str | None:
    if node.bases or not node.name.value.startswith("Node"):
        return None
    own = methods(node)
    found = [kind for kind, method in SCAFFOLD_METHODS.items() if method in own and placeholder(own[method])]
    return found[0] if len(found) == 1 else None


def find_node_classes(module: cst.Module) -> list[NodeClass]:
    """The node classes of ``module`` (leaves only), in source order."""
    classes = {item.name.value: item for item in module.body if isinstance(item, cst.ClassDef)}
    lineage: dict[str, tuple[str | None, tuple[str, ...], bool]] = {}

    def resolve(name: str, seen: frozenset[str] = frozenset()) -> tuple[str | None, tuple[str, ...], bool]:
        if name in lineage:
            return lineage[name]
        base: str | None = None
        mixins: list[str] = []
        resolved = True
        for parent in class_bases(classes[name]):
            if parent in FRAMEWORK_BASES:
                base = base or parent
            elif parent is not None and parent.startswith("Mixin"):
                mixins.append(parent)
            elif parent in classes and parent not in seen:
                parent_base, parent_mixins, parent_resolved = resolve(parent, seen | {name})
                base = base or parent_base
                mixins += [m for m in parent_mixins if m not in mixins]
                resolved = resolved and parent_resolved
            elif parent not in ("object", "ABC", "Generic", "Protocol"):
                resolved = False
        lineage[name] = (base, tuple(mixins), resolved)
        return lineage[name]

    used_as_base = {parent for node in classes.values() for parent in class_bases(node)}
    found: list[NodeClass] = []
    for name, node in classes.items():
        if name in used_as_base:
            continue
        base, mixins, resolved = resolve(name)
        scaffold = _scaffold_kind(node)
        if base is not None:
            kind = FRAMEWORK_BASES[base][0]
        elif scaffold is not None:
            kind = scaffold
        elif not resolved and (match := _NODE_NAME.fullmatch(name)):
            kind = match.group(1).lower()
        else:
            continue
        found.append(NodeClass(name, kind, base, mixins, resolved, scaffold is not None, is_shell(node)))
    return found


def is_shell(node: cst.ClassDef) -> bool:
    """A declarative shell: the class body is a docstring (``pass``, ``...``) and
    at most an ``__init__`` whose only statement calls ``super().__init__``."""
    for statement in docstring_free(node.body):
        if isinstance(statement, cst.FunctionDef):
            if statement.name.value != "__init__" or statement.decorators:
                return False
            rest = docstring_free(statement.body)
            if len(rest) != 1 or not _calls_super_init(rest[0]):
                return False
        elif not (
            isinstance(statement, cst.SimpleStatementLine)
            and all(isinstance(small, (cst.Pass, cst.Expr)) and not isinstance(getattr(small, "value", None), cst.Call)
                    for small in statement.body)
        ):
            return False
    return isinstance(node.body, cst.IndentedBlock)


def _calls_super_init(statement: cst.BaseStatement) -> bool:
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return False
    small = statement.body[0]
    call = small.value if isinstance(small, cst.Expr) else None
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "__init__"
        and isinstance(call.func.value, cst.Call)
        and isinstance(call.func.value.func, cst.Name)
        and call.func.value.func.value == "super"
    )


def find_handler_classes(module: cst.Module, node_type: str) -> list[NodeClass]:
    """The operation handlers of a declarative node in ``module``: top-level
    classes with an async ``handle``, ``execute`` or ``run``."""
    found = []
    for item in module.body:
        if isinstance(item, cst.ClassDef):
            own = methods(item)
            if any(name in own and own[name].asynchronous is not None for name in HANDLER_METHODS):
                found.append(NodeClass(item.name.value, node_type, None, (), True, False, handler=True))
    return found
