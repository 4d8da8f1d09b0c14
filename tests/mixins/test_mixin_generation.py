"""Generated nodes compose every mixin the catalogue allows for their node type: the
package passes strict validation (mypy --strict, one call for all four) and the node
is created with every mixin working; refused and misplaced mixins are refused with
the catalogue's reason, and a mixin the node base has already is not listed again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from omnibase_core.models.container.model_onex_container import ModelONEXContainer

from codegen_ast.generate import generate
from codegen_ast.selection import SelectionError, select
from codegen_ast.spec import NodeSpec
from codegen_ast.target.catalogue import BY_NAME, CATALOGUE, NODE_TYPES
from codegen_ast.validate.pipeline import validate
from tests.conftest import MYPY_CACHE
from tests.imports import imported


def addable(node_type: str) -> list[str]:
    return [info.name for info in CATALOGUE if info.use == "base" and node_type in info.node_types]


def spec(node_type: str, mixins: list[str]) -> NodeSpec:
    return NodeSpec.model_validate(
        {"name": "composed", "node_type": node_type, "description": "Every mixin it may have.",
         "operations": ["run_once"], "mixins": mixins}
    )


def test_every_addable_mixin_composes_type_checks_and_works(tmp_path: Path) -> None:
    folders = []
    for node_type in NODE_TYPES:
        package = generate(spec(node_type, addable(node_type)))
        folders.append(package.write(tmp_path / node_type))
    report = validate(folders, level="strict", mypy_cache=MYPY_CACHE)
    assert report.passed, report.render_text()
    logging.disable(logging.CRITICAL)
    try:
        for node_type, folder in zip(NODE_TYPES, folders, strict=True):
            with imported(folder) as module:
                node = getattr(module, f"NodeComposed{node_type.capitalize()}")(ModelONEXContainer())
            mro = {cls.__name__ for cls in type(node).__mro__}
            assert set(addable(node_type)) <= mro, node_type
            assert node.validate_required(1, "value") == 1  # MixinFailFast
            assert node.get_metrics() is not None  # MixinMetrics
    finally:
        logging.disable(logging.NOTSET)


def test_a_mixin_of_the_node_base_is_not_listed_again() -> None:
    selection = select(spec("effect", ["MixinEffectExecution", "MixinHandlerRouting"]))
    assert "MixinEffectExecution" not in selection.bases and "MixinHandlerRouting" not in selection.bases
    reasons = {d.choice: d.reason for d in selection.log if d.topic == "mixin"}
    assert reasons["MixinEffectExecution"] == "already in NodeEffect, the node's base"


@pytest.mark.parametrize("name", [info.name for info in CATALOGUE if info.use == "refused"])
def test_every_refused_mixin_is_refused_with_the_frameworks_reason(name: str) -> None:
    with pytest.raises(SelectionError) as refused:
        select(spec("effect", [name]))
    message = str(refused.value)
    assert f"mixin {name} cannot be a base of the effect node: {BY_NAME[name].reason}" in message
    assert f"`codegen-ast mixins {name}` says more" in message
