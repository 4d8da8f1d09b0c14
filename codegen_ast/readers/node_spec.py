"""Read our own NodeSpec YAML, turning validation errors into InputProblems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from codegen_ast.collisions import find_collisions
from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.readers.yaml_source import YamlDocument, load_yaml
from codegen_ast.spec import NodeSpec, SpecFieldError, suggestion

_UNION_TAGS = frozenset({"step", "parallel"})  # the tags of a workflow stage's discriminated union

def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside ``list[X] | None``, ``Annotated[...]`` and unions."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _known_keys(location: tuple[str | int, ...]) -> list[str]:
    """The fields of the model that holds the last part of ``location``."""
    model: type[BaseModel] = NodeSpec
    for part in location[:-1]:
        if isinstance(part, str) and part in model.model_fields:
            inner = _model_in(model.model_fields[part].annotation)
            if inner is None:
                break
            model = inner
    return list(model.model_fields)


def _message(error: Any, location: tuple[str | int, ...]) -> str:
    kind = error["type"]
    key = location[-1] if location else ""
    if kind == "extra_forbidden":
        known = _known_keys(location)
        return (
            f"unknown field {key!r}: {suggestion(str(key), known)}"
            f"remove it; known fields: {', '.join(known)}"
        )
    if kind == "missing":
        return f"required field {key!r} is missing: add it"
    if kind == "literal_error" and key == "node_type":
        return (
            f"unknown node_type {error['input']!r}: use one of "
            "effect, compute, reducer, orchestrator"
        )
    if kind == "string_too_short":
        return f"{key} must not be empty: write a short sentence"
    if kind == "too_short":
        context = error.get("ctx") or {}
        return f"{key} is empty: declare at least {context.get('min_length', 1)} (e.g. {{source, trigger, target}})" \
            if key == "transitions" else f"{key} needs at least {context.get('min_length', 1)} item(s): add one"
    if kind == "too_long":
        context = error.get("ctx") or {}
        return (
            f"{key} declares {context.get('actual_length')} items, more than the {context.get('max_length')} "
            "one node may have: split the node into several"
        )
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _plain_location(error: Any) -> tuple[str | int, ...]:
    """The error's place in the spec: without pydantic's union tags and
    validator names, plus the field a cross-field check names."""
    location = tuple(
        part for part in error["loc"] if not (isinstance(part, str) and (part in _UNION_TAGS or "[" in part))
    )
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, SpecFieldError):
        location += cause.location
    return location


def spec_from_data(
    data: Any,
    document: YamlDocument | None = None,
    path: Path | None = None,
    source_of: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] | None = None,
) -> NodeSpec:
    """Validate NodeSpec data; ``source_of`` maps a NodeSpec location to the
    input file's own (for other dialects), so errors name the right line."""
    def problem(location: tuple[str | int, ...], message: str) -> InputProblem:
        source = source_of(location) if source_of else location
        line = document.line_of(source) if document else None
        field = ".".join(str(part) for part in location) or None
        return InputProblem(document.path if document else path, line, field, message)

    try:
        spec = NodeSpec.model_validate(data)
    except ValidationError as failure:
        problems = []
        for error in failure.errors():
            location = _plain_location(error)
            problems.append(problem(location, _message(error, location)))
        raise SpecError(problems) from None
    collisions = find_collisions(spec)  # two items that would become one name in the package
    if collisions:
        raise SpecError([problem(c.second.location, c.message) for c in collisions])
    return spec


def read_node_spec(path: Path) -> NodeSpec:
    document = load_yaml(path)
    return spec_from_data(document.data, document)
