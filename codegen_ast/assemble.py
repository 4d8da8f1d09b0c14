"""Merge pattern contributions into the node class and its module."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.patterns.contribution import Contribution, NodeContext
from codegen_ast.target import CONTAINER, MIXINS, SERIALIZED_DICT, UNTYPED_MODULES
from codegen_ast.target.catalogue import BY_NAME


def merge_imports(contributions: Sequence[Contribution]) -> b.ImportSet:
    imports = b.ImportSet()
    for contribution in contributions:
        for module, item in sorted(contribution.imports):
            if item:
                imports.add(module, item)
            else:
                imports.add(module)
    return imports


def assemble_node_module(context: NodeContext, contributions: Sequence[Contribution]) -> cst.Module:
    """One module: imports, module constants, then the node class.

    Order is fixed (the order of ``contributions``), so the same spec always
    gives byte-identical output.
    """
    spec = context.spec
    imports = merge_imports(contributions)
    imports.add(CONTAINER.module, CONTAINER.name).add(context.base.module, context.base.name)
    bases: list[b.ExprLike] = []
    for base in context.selection.bases:
        if base in MIXINS:
            imports.add(MIXINS[base].module, base)
        if base in BY_NAME and BY_NAME[base].generic:  # MixinEventBus: generic in its event and payload types
            imports.add("typing", "Any")
            bases.append(b.subscript(base, "Any", "Any"))
        elif base == context.base.name and context.kind.generic:
            # NodeCompute / NodeReducer (and their wrappers) are generic in input and output data
            imports.add(SERIALIZED_DICT.module, SERIALIZED_DICT.name)
            bases.append(b.subscript(base, SERIALIZED_DICT.name, SERIALIZED_DICT.name))
        else:
            bases.append(base)
    init = b.method(
        "__init__",
        [Param("container", CONTAINER.name)],
        [
            b.do(b.call(b.attr(b.call("super"), "__init__"), "container")),
            *(stmt for c in contributions for stmt in c.init_statements),
        ],
        returns="None",
        doc="Set up state only: no network I/O happens before initialize().",
    )
    methods = [method for c in contributions for method in c.methods]
    node_class = b.class_(
        spec.class_name,
        bases,
        [init, *methods],
        doc=spec.description,
    )
    exports = b.assign(
        "__all__",
        b.list_(*(b.string_literal(item) for item in sorted([spec.class_name, "SUPPORTED_OPERATIONS"]))),
    )
    constants = [stmt for c in contributions for stmt in c.module_statements]
    return b.module(
        [*imports.statements(UNTYPED_MODULES), exports, *constants, node_class],
        doc=f"{spec.class_name}: the {spec.node_type} node {spec.name!r}.",
    )
