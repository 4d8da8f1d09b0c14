"""The mixin catalogue is the framework's truth: every mixin omnibase-core ships is
in it, each refusal is borne out by the framework's own code, and the clashes are
derived from the mixins' classes."""

from __future__ import annotations

import importlib
import inspect
import itertools
import logging
import re
import warnings
from pathlib import Path

import omnibase_core
import pytest
from omnibase_core.models.container.model_onex_container import ModelONEXContainer
from omnibase_core.nodes import NodeCompute, NodeEffect, NodeOrchestrator, NodeReducer
from ruamel.yaml import YAML

from codegen_ast.target.catalogue import BY_NAME, CATALOGUE, CLASHES, EXPORTED, EXPORTED_FROM, MixinInfo

FRAMEWORK = Path(omnibase_core.__file__).resolve().parent
BASES = {"effect": NodeEffect, "compute": NodeCompute, "reducer": NodeReducer, "orchestrator": NodeOrchestrator}
# the framework's metadata names MixinNodeIntrospection after its module
METADATA_NAMES = {"MixinIntrospection": "MixinNodeIntrospection"}


def mixin_class(info: MixinInfo) -> type:
    cls: type = getattr(importlib.import_module(info.module), info.name)
    return cls


def test_every_mixin_the_framework_ships_is_catalogued() -> None:
    declared = {
        match.group(1)
        for path in FRAMEWORK.rglob("*.py")
        for match in re.finditer(r"^class (Mixin\w+)\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert declared == set(BY_NAME)
    assert len(CATALOGUE) == len(BY_NAME) == 41
    for info in CATALOGUE:
        cls = mixin_class(info)
        assert cls.__module__ == info.module and cls.__name__ == info.name
    exported = set(importlib.import_module(EXPORTED_FROM).__all__)
    assert exported & set(BY_NAME) == EXPORTED and len(EXPORTED) == 36
    for name in EXPORTED:
        assert getattr(importlib.import_module(EXPORTED_FROM), name) is mixin_class(BY_NAME[name])


def test_categories_are_the_frameworks_own() -> None:
    metadata = YAML(typ="safe").load((FRAMEWORK / "mixins" / "mixin_metadata.yaml").read_text(encoding="utf-8"))
    categories = {
        METADATA_NAMES.get(entry["name"], entry["name"]): entry["category"]
        for entry in metadata.values()
        if isinstance(entry, dict)
    }
    checked = [info for info in CATALOGUE if info.name in categories]
    assert len(checked) == 39  # all but MixinNodeDispatch and MixinTraceCapture
    assert {info.name: info.category for info in checked} == {info.name: categories[info.name] for info in checked}


def _created(base: type, mixin: type) -> Exception | None:
    """The error creating a node with ``mixin`` raises, or None."""
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            type("NodeUnderTest", (base, mixin), {})(ModelONEXContainer())
    except Exception as error:  # noqa: BLE001 - what the framework raises is the evidence
        return error
    finally:
        logging.disable(logging.NOTSET)
    return None


@pytest.mark.parametrize("info", [i for i in CATALOGUE if i.evidence], ids=lambda i: i.name)
def test_every_claim_about_the_frameworks_code_is_borne_out(info: MixinInfo) -> None:
    cls = mixin_class(info)
    source = inspect.getsource(importlib.import_module(info.module))
    for kind, value in info.evidence:
        if kind == "quote":
            assert value in source, f"{info.name}: {value!r} is not in {info.module}"
        elif kind == "init-fails":
            error = _created(NodeEffect, cls)
            assert error is not None and value in str(error), f"{info.name}: {error!r}"
        elif kind == "abstract":
            assert value in getattr(cls, "__abstractmethods__", ())
        elif kind == "protocol":
            assert value in [base.__name__ for base in cls.__mro__]
        else:
            raise AssertionError(f"unknown evidence kind {kind}")
    assert info.reason or info.requires


def test_refused_mixins_are_explained_and_usable_ones_create_nodes() -> None:
    for info in CATALOGUE:
        cls = mixin_class(info)
        if info.use == "refused":
            assert info.reason and info.evidence, info.name
        for node_type in info.node_types:
            assert _created(BASES[node_type], cls) is None, (info.name, node_type)


def test_provided_means_in_the_node_base_and_added_means_not() -> None:
    for info in CATALOGUE:
        cls = mixin_class(info)
        for node_type, base in BASES.items():
            assert (cls in base.__mro__) == (node_type in info.provided_by), (info.name, node_type)


def _own(cls: type) -> dict[str, str]:
    """Names a class defines itself (no dunders), with their signatures."""
    found = {}
    for name, value in vars(cls).items():
        if name.startswith("__") and name.endswith("__"):
            continue
        function = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
        try:
            found[name] = str(inspect.signature(function))
        except (TypeError, ValueError):
            found[name] = type(value).__name__
    return found


def test_clashes_are_the_pairs_that_define_a_name_differently() -> None:
    usable = [info for info in CATALOGUE if info.use in ("base", "registry", "provided")]
    derived = {}
    for first, second in itertools.combinations(usable, 2):
        own_first, own_second = _own(mixin_class(first)), _own(mixin_class(second))
        differing = sorted(n for n in own_first.keys() & own_second.keys() if own_first[n] != own_second[n])
        if differing:
            derived[frozenset({first.name, second.name})] = differing
    assert set(derived) == set(CLASHES)
    for pair, names in derived.items():
        assert all(name in CLASHES[pair] for name in names), (pair, names)
