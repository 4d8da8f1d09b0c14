"""Read our own NodeSpec YAML, turning validation errors into InputProblems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.readers.yaml_source import YamlDocument, load_yaml
from codegen_ast.spec import FieldSpec, NodeSpec, OperationSpec, suggestion

_MODELS_BY_LOCATION: dict[str, type[Any]] = {
    "input_fields": FieldSpec,
    "output_fields": FieldSpec,
    "operations": OperationSpec,
}


def _known_keys(location: tuple[str | int, ...]) -> list[str]:
    model: type[Any] = NodeSpec
    if len(location) >= 3 and location[0] in _MODELS_BY_LOCATION:
        model = _MODELS_BY_LOCATION[str(location[0])]
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
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def spec_from_data(
    data: Any,
    document: YamlDocument | None = None,
    path: Path | None = None,
    source_of: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] | None = None,
) -> NodeSpec:
    """Validate NodeSpec data; ``source_of`` maps a NodeSpec location to the
    input file's own (for other dialects), so errors name the right line."""
    try:
        return NodeSpec.model_validate(data)
    except ValidationError as failure:
        problems = []
        for error in failure.errors():
            location = tuple(error["loc"])
            source = source_of(location) if source_of else location
            line = document.line_of(source) if document else None
            field = ".".join(str(part) for part in location) or None
            problems.append(
                InputProblem(document.path if document else path, line, field, _message(error, location))
            )
        raise SpecError(problems) from None


def read_node_spec(path: Path) -> NodeSpec:
    document = load_yaml(path)
    return spec_from_data(document.data, document)
