"""Defaults for the required fields of an existing model that a contract gives no value for.

A contract may name an existing model as the node's input or output (the framework's
``ModelIntent``, ``ModelContractValidationResult``...) whose required fields are not
among the contract's fields. The generated model extends it, keeping its name, and
declares those fields again with a default derived from each field's type, so that the
node's request and answer are instances of the declared model:

- ``X | None``: None; ``Literal[a, ...]``: a; ``bool``: False;
- ``int`` / ``float``: 0, or the least value its ``ge`` / ``gt`` bound allows;
- ``str``: the field's own name (a visible placeholder that meets a ``min_length``);
- ``UUID``: a fresh ``uuid4()``; ``list`` / ``dict`` / ``set``: empty;
- an enum: its first member; a pydantic model: built from defaults of its own required fields;
- a runtime-checkable protocol of data only (``ProtocolIntentPayload``): a frozen model
  the generated module writes, with the protocol's members defaulted the same way.

Anything else (a ``pattern``, a collection that must not be empty, a protocol with
methods, a type of no importable name) cannot be defaulted safely: :func:`fillers`
names the field and why, and the reader stops with the ``--set`` override.
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from typing import Any
from uuid import UUID

from annotated_types import Ge, Gt, MaxLen, MinLen
from pydantic import BaseModel

_DEPTH = 3  # models built inside models
_COLLECTIONS = (list, dict, set, frozenset)


class Unfillable(Exception):
    """A required field whose type gives no safe default: the reason."""


def fillers(model: type[BaseModel], names: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fillers of ``names`` (required fields of ``model``) and the classes they need;
    raises Unfillable naming the first field that has no safe default."""
    implementations: list[dict[str, Any]] = []
    found = []
    for name in names:
        info = model.model_fields[name]
        try:
            found.append({"name": name, "type": _spell(info.annotation),
                          "default": _default(name, info.annotation, info.metadata, implementations, 0)})
        except Unfillable as error:
            raise Unfillable(f"{name} ({_shown(info.annotation)}): {error}") from None
    return found, implementations


def _shown(annotation: Any) -> str:
    return annotation.__name__ if isinstance(annotation, type) else str(annotation).replace("typing.", "")


def _spell(annotation: Any) -> dict[str, Any]:
    """``annotation`` as a Spelled tree; Unfillable when it has no importable spelling."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is None or annotation is type(None):
        return {"name": "None"}
    if origin is typing.Annotated:
        return _spell(args[0])
    if origin in (typing.Union, types.UnionType):
        return {"name": "|", "args": [_spell(arg) for arg in args]}
    if origin is typing.Literal:
        if not all(isinstance(arg, (str, int, bool)) for arg in args):
            raise Unfillable("a Literal of other than str, int or bool values")
        return {"name": "Literal", "module": "typing", "args": [{"literal": arg} for arg in args]}
    if origin in (*_COLLECTIONS, tuple):
        if origin is tuple and (len(args) != 2 or args[1] is not Ellipsis):
            raise Unfillable("a fixed-length tuple")
        spelled = [_spell(arg) for arg in args[:1]] if origin is tuple else [_spell(arg) for arg in args]
        return {"name": origin.__name__, "args": spelled + ([{"name": "..."}] if origin is tuple else [])}
    if isinstance(annotation, type) and origin is None:
        if annotation.__module__ == "builtins":
            return {"name": annotation.__name__}
        if "." in annotation.__qualname__:
            raise Unfillable(f"{annotation.__qualname__} is not importable by name from {annotation.__module__}")
        return {"name": annotation.__name__, "module": annotation.__module__}
    raise Unfillable("a type without an importable spelling")


def _optional(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def _default(name: str, annotation: Any, metadata: list[Any], implementations: list[dict[str, Any]],
             depth: int) -> dict[str, Any]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _default(name, args[0], [*metadata, *args[1:]], implementations, depth)
    if _optional(annotation):
        return {"kind": "literal", "literal": None}
    if origin is typing.Literal:
        return {"kind": "literal", "literal": args[0]}
    if any(type(rule).__name__ == "_PydanticGeneralMetadata" and getattr(rule, "pattern", None) for rule in metadata):
        raise Unfillable("its value must match a pattern")
    if annotation is bool:
        return {"kind": "literal", "literal": False}
    if annotation in (int, float):
        bounds: list[Any] = [rule.ge for rule in metadata if isinstance(rule, Ge)]
        bounds += [rule.gt + 1 for rule in metadata if isinstance(rule, Gt) and isinstance(rule.gt, (int, float))]
        number: type[int] | type[float] = annotation
        return {"kind": "literal", "literal": number(max([0, *bounds]))}
    if annotation is str:
        longest = min([rule.max_length for rule in metadata if isinstance(rule, MaxLen)] + [len(name)])
        if any(isinstance(rule, MinLen) and rule.min_length > longest for rule in metadata):
            raise Unfillable("its least length is longer than its name")
        return {"kind": "literal", "literal": name[:longest]}
    if annotation is UUID:
        return {"kind": "factory", "symbol": {"name": "uuid4", "module": "uuid"}}
    if origin in _COLLECTIONS or annotation in _COLLECTIONS or origin is tuple:
        if any(isinstance(rule, MinLen) and rule.min_length > 0 for rule in metadata):
            raise Unfillable("it must not be empty")
        return {"kind": "factory", "symbol": {"name": (origin or annotation).__name__}}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum) and list(annotation):
        return {"kind": "member", "symbol": _spell(annotation), "member": next(iter(annotation)).name}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and depth < _DEPTH:
        keywords = {field: _default(field, info.annotation, info.metadata, implementations, depth + 1)
                    for field, info in annotation.model_fields.items() if info.is_required()}
        return {"kind": "build", "symbol": _spell(annotation), "keywords": keywords}
    if getattr(annotation, "_is_runtime_protocol", False) and depth < _DEPTH:
        return {"kind": "factory", "symbol": {"name": _implementation(annotation, implementations, depth)}}
    raise Unfillable("no default can be derived from its type")


def _implementation(protocol: type, implementations: list[dict[str, Any]], depth: int) -> str:
    """A frozen model with the data members of ``protocol`` (properties and annotated
    attributes), each defaulted: the name of the class the generated module writes."""
    name = f"Model{protocol.__name__.removeprefix('Protocol')}Default"
    if any(known["name"] == name for known in implementations):
        return name
    members = []
    for member in sorted(typing_members(protocol)):
        attribute = inspect.getattr_static(protocol, member, None)
        if isinstance(attribute, property) and attribute.fget is not None:
            annotation = typing.get_type_hints(attribute.fget).get("return")
        elif member in typing.get_type_hints(protocol):
            annotation = typing.get_type_hints(protocol)[member]
        else:
            raise Unfillable(f"{protocol.__name__} has a method ({member}), which no default can provide")
        members.append({"name": member, "type": _spell(annotation),
                        "default": _default(member, annotation, [], implementations, depth + 1)})
    implementations.append({"name": name, "protocol": _spell(protocol), "members": members})
    return name


def typing_members(protocol: type) -> set[str]:
    """The members a runtime-checkable protocol requires."""
    return set(getattr(protocol, "__protocol_attrs__", None) or typing._get_protocol_attrs(protocol))  # type: ignore[attr-defined]
