"""The node types of codegen_ast.target.node_types, checked against the installed framework:
each object's classes exist, its facts match what the framework's classes say, and the
generator reads behaviour from the objects (a changed answer changes the output)."""

from __future__ import annotations

import importlib
from dataclasses import fields
from typing import Any

import pytest
from omnibase_core.enums import EnumNodeType

from codegen_ast import target
from codegen_ast.target import NODE_KINDS, NodeKind, Symbol, find_kind, node_kind
from codegen_ast.target.node_types import ReducerNode


def _load(symbol: Symbol) -> Any:
    return getattr(importlib.import_module(symbol.module), symbol.name)


@pytest.mark.parametrize("kind", NODE_KINDS, ids=lambda kind: kind.name)
def test_each_node_type_names_real_framework_classes(kind: NodeKind) -> None:
    base, wrapper = _load(kind.base), _load(kind.wrapper)
    assert base.__name__ == "Node" + kind.suffix and wrapper.__name__ == "ModelService" + kind.suffix
    assert issubclass(wrapper, base)
    ancestors = {cls.__name__ for cls in wrapper.__mro__} - {cls.__name__ for cls in base.__mro__}
    assert set(kind.wrapper_mixins) <= ancestors
    assert kind.caches == ("MixinCaching" in ancestors)
    assert kind.has_event_bus == ("MixinEventBus" in ancestors)
    assert EnumNodeType(kind.contract_type)
    assert _load(kind.contract_model).__name__ == "ModelContract" + kind.suffix


@pytest.mark.parametrize("kind", NODE_KINDS, ids=lambda kind: kind.name)
def test_each_node_type_knows_its_models(kind: NodeKind) -> None:
    inputs, outputs = _load(kind.input_model), _load(kind.output_model)
    assert set(inputs.model_fields) == kind.input_fields
    assert set(outputs.model_fields) == kind.output_fields
    assert kind.generic == bool(inputs.__pydantic_generic_metadata__["parameters"])
    if kind.payload is not None:
        assert kind.payload in kind.input_fields


def test_each_behaviour_belongs_to_one_node_type() -> None:
    for behaviour in ("performs_io", "computes", "keeps_state", "runs_workflow"):
        assert len([kind for kind in NODE_KINDS if getattr(kind, behaviour)]) == 1, behaviour
    assert all(
        sum((kind.performs_io, kind.computes, kind.keeps_state, kind.runs_workflow)) == 1 for kind in NODE_KINDS
    )


def test_a_node_type_is_found_by_its_word() -> None:
    assert node_kind("reducer") is target.REDUCER and find_kind("reducer") is target.REDUCER
    assert find_kind("widget") is None and find_kind(None) is None
    with pytest.raises(ValueError, match="unknown node type 'widget': one of effect, compute, reducer, orchestrator"):
        node_kind("widget")


def test_the_generator_asks_the_node_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reducer that (hypothetically) kept no state gets no state parameter in its
    handlers: the generator reads the object's answer, not the word 'reducer'."""
    from codegen_ast.decisions import Selection
    from codegen_ast.files.handlers import build_handler
    from codegen_ast.patterns.contribution import NodeContext
    from codegen_ast.spec import NodeSpec
    from codegen_ast.target import node_types

    spec = NodeSpec.model_validate({"name": "tally", "node_type": "reducer", "description": "Tallies."})
    selection = Selection("reducer", target.REDUCER.base, (), (), (), (), None)
    operation = spec.effective_operations[0]
    assert "state: ModelTallyOutput | None" in build_handler(NodeContext(spec, selection), operation).code

    class Stateless(ReducerNode):
        keeps_state = False

    stateless = Stateless(**{f.name: getattr(target.REDUCER, f.name) for f in fields(ReducerNode)})
    monkeypatch.setitem(node_types._BY_NAME, "reducer", stateless)
    assert "state:" not in build_handler(NodeContext(spec, selection), operation).code
