"""A NodeSpec and NodeContext for an existing node class, inferred from its code.

- name: from the class name (``NodeFooBarEffect`` -> ``foo_bar``);
- node_type: from the framework base (or the class-name suffix, or the
  scaffold's method), see :mod:`codegen_ast.upgrade.nodes`;
- description: the first line of the class docstring;
- operations: ``handle_<operation>`` / ``_handle_<operation>`` methods, else the
  default (``execute``);
- integrations: the client libraries the module imports (asyncpg -> postgres,
  redis -> redis, httpx -> http, aiokafka -> kafka, consul -> consul).

The Selection is built from what the class really inherits (not what the
selector would choose for a new node), so patterns that depend on the base —
the publish_event fix, service mode, event-bus delivery — see the truth.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import cast

import libcst as cst
from pydantic import ValidationError

from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.decisions import Decision, Selection
from codegen_ast.spec import NodeSpec, NodeType, OperationSpec
from codegen_ast.target import BASE_CLASSES, SERVICE_WRAPPERS
from codegen_ast.upgrade.nodes import KIND_SUFFIX, NodeClass, methods

# import root -> integration (or "consul")
LIBRARY_INTEGRATIONS = {
    "asyncpg": "postgres",
    "redis": "redis",
    "httpx": "http",
    "aiokafka": "kafka",
    "consul": "consul",
}
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_HANDLER = re.compile(r"_?handle_([a-z][a-z0-9_]*)")


@dataclass(frozen=True)
class SourceFacts:
    """What Python's own parser tells about a module as the user wrote it, read
    once per file (much cheaper than walking the libcst tree): the client
    libraries it imports, and the ``self.<name>`` each method reads."""

    libraries: dict[str, str]  # integration -> the imported library that reveals it
    self_names: dict[tuple[str, str], frozenset[str]]  # (class, method) -> names read on self

    @classmethod
    def read(cls, source: str) -> SourceFacts:
        tree = ast.parse(source)
        roots: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                roots.add(node.module.split(".")[0])
        libraries = {integration: root for root, integration in LIBRARY_INTEGRATIONS.items() if root in roots}
        self_names: dict[tuple[str, str], frozenset[str]] = {}
        for class_node in tree.body:
            if not isinstance(class_node, ast.ClassDef):
                continue
            for method in class_node.body:
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self_names[(class_node.name, method.name)] = frozenset(
                        item.attr
                        for item in ast.walk(method)
                        if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == "self"
                    )
        return cls(libraries, self_names)

    def reads(self, class_name: str, method: str, name: str) -> bool:
        """Whether ``class_name.method`` reads ``self.<name>``."""
        return name in self.self_names.get((class_name, method), frozenset())


def snake_case(camel: str) -> str:
    """``FooBar`` -> ``foo_bar``, ``HTTPGateway`` -> ``http_gateway``."""
    return _WORD_BOUNDARY.sub("_", camel).lower()


def snake_name(class_name: str, node_type: str, *, keep_suffix: bool = False) -> str:
    """The node's name: ``NodeFooBarEffect`` -> ``foo_bar``."""
    stem = class_name.removeprefix("Node")
    if not keep_suffix:
        stem = stem.removesuffix(KIND_SUFFIX[node_type]) or stem
    name = snake_case(stem)
    return name if _SNAKE.fullmatch(name) else "node"


def docstring(node: cst.ClassDef) -> str | None:
    value = node.get_docstring(clean=True)
    return value.strip().splitlines()[0].strip() if value and value.strip() else None


def infer_spec(node: NodeClass, class_def: cst.ClassDef, integrations: tuple[str, ...], features: tuple[str, ...]) -> NodeSpec:
    # a scaffold's class is Node<Name> for the name `onex new node` was given
    name = snake_name(node.name, node.node_type, keep_suffix=node.scaffold)
    handlers = [m.group(1) for method in methods(class_def) if (m := _HANDLER.fullmatch(method))]
    operations = [operation for operation in dict.fromkeys(handlers) if _SNAKE.fullmatch(operation)]
    description = docstring(class_def) or f"The {node.node_type} node {name}."
    dependencies = [item for item in integrations if item != "consul"] + (["consul"] if "consul" in features else [])
    try:
        return NodeSpec(
            name=name,
            node_type=cast(NodeType, node.node_type),
            description=description,
            operations=[OperationSpec(name=operation) for operation in operations],
            dependencies=dependencies,
            features=list(features),
        )
    except ValidationError:
        # The class exists already: a name the generator would refuse for a new
        # class (e.g. one containing "Service") is still the node's name.
        return NodeSpec.model_construct(
            name=name,
            node_type=node.node_type,
            description=description,
            operations=[OperationSpec.model_construct(name=operation) for operation in operations],
            dependencies=dependencies,
            features=list(features),
        )


def infer_context(
    node: NodeClass,
    spec: NodeSpec,
    added_mixins: tuple[str, ...],
    concerns: tuple[str, ...],
    log: list[Decision],
) -> NodeContext:
    if node.uses_wrapper or node.scaffold:
        base = SERVICE_WRAPPERS[node.node_type]
    else:
        base = BASE_CLASSES[node.node_type]
    integrations = tuple(item for item in spec.dependencies if item != "consul")
    selection = Selection(
        node_type=node.node_type,
        base=base,
        mixins=(*node.mixins, *added_mixins),
        integrations=integrations,
        patterns=concerns,
        log=tuple(log),
    )
    return NodeContext(spec=spec, selection=selection)
