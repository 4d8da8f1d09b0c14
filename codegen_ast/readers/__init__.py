"""Turn input files into a NodeSpec, whatever the dialect.

Three dialects are detected automatically: our own NodeSpec YAML, a current
ONEX ``contract.yaml``, and the older v2 contract dialect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from codegen_ast.classify import Classification, settle_node_type
from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.readers.contract import convert_contract
from codegen_ast.readers.contract_v2 import convert_v2
from codegen_ast.readers.dialect import Conversion
from codegen_ast.readers.node_spec import spec_from_data
from codegen_ast.readers.overrides import FLAG, apply_overrides, hint
from codegen_ast.readers.yaml_source import YamlDocument, load_yaml
from codegen_ast.spec import NodeSpec

Dialect = Literal["spec", "contract", "contract-v2"]
_V2_MARKERS = frozenset({"node_id", "mixin_configuration", "event_patterns", "input_schema", "output_schema"})
_CONTRACT_MARKERS = frozenset(
    {"contract_version", "io_operations", "handler_routing", "handler", "input_model", "event_bus", "contract_name", "node_kind"}
)


@dataclass
class ReadResult:
    spec: NodeSpec
    dialect: Dialect
    warnings: list[InputProblem] = field(default_factory=list)
    classification: Classification | None = None  # how the node type was settled
    overrides: tuple[str, ...] = ()  # --set PATH=VALUE applied while reading


def detect_dialect(document: YamlDocument) -> Dialect:
    keys = set(document.data)
    if keys & _V2_MARKERS:
        return "contract-v2"
    node_type = document.data.get("node_type")
    if keys & _CONTRACT_MARKERS or (isinstance(node_type, str) and node_type.upper().endswith("_GENERIC")):
        return "contract"
    return "spec"


def read_spec(path: Path, node_type: str | None = None, overrides: tuple[str, ...] = ()) -> ReadResult:
    """Read ``path`` in whichever dialect it is written; warnings say what was mapped or ignored.

    Without a node type in the file, ``node_type`` (``--type``) gives it, else it is
    inferred from what the file declares (``codegen_ast.classify``). ``overrides``
    (``--set PATH=VALUE``) change the file as it is read (``codegen_ast.readers.overrides``)."""
    document, notes = apply_overrides(load_yaml(path), overrides)
    dialect = detect_dialect(document)
    if dialect == "spec":
        data, classification = settle_node_type(document.data, node_type, path=path)
        return ReadResult(spec_from_data(data, document), dialect, notes, classification, overrides)
    conversion = Conversion(document)
    try:
        (convert_v2 if dialect == "contract-v2" else convert_contract)(conversion)
        data, classification = settle_node_type(conversion.data, node_type, contract_keys=set(document.data), path=path)
        spec = spec_from_data(data, document, source_of=conversion.source_of)
    except SpecError as error:
        if type(error) is not SpecError:  # an ambiguous node type names --type itself
            raise
        raise SpecError([_with_override(problem, path, conversion) for problem in error.problems]) from None
    warnings = [*notes, *conversion.warnings, *(_kept_notes(spec, document) if dialect == "contract" else [])]
    return ReadResult(spec, dialect, warnings, classification, overrides)


def _with_override(problem: InputProblem, path: Path, conversion: Conversion) -> InputProblem:
    """A problem at a key of the contract also names the override that gets past it
    (the contract may not be the user's to edit), unless its message names one already.

    A problem found in the NodeSpec built from the contract names the spec's key
    (``cache``); the override names where that key came from (``subcontracts.caching``)."""
    if problem.path != path or not problem.field or FLAG in problem.message:
        return problem
    parts = problem.field.split(".")
    source = conversion.origin.get(parts[0])
    where = problem.field if source is None or source == (parts[0],) else ".".join(map(str, source))
    return InputProblem(problem.path, problem.line, problem.field, f"{problem.message}; or, {hint(where)}") if where else problem


def _kept_notes(spec: NodeSpec, document: YamlDocument) -> list[InputProblem]:
    """One line per section kept, not acted on, and per field the contract gives no type."""
    from codegen_ast.readers.contract import KNOWN_KEYS
    from codegen_ast.spec import suggestion

    notes = [
        InputProblem(
            document.path, document.line_of((key,)), key,
            f"kept, not acted on: carried unchanged into contract.yaml ({suggestion(key, sorted(KNOWN_KEYS))}"
            "see docs/contracts.md for the keys codegen-ast reads)".replace("(see", "(see"),
        )
        for key in spec.kept
    ]
    return notes


def read_node_spec(path: Path, node_type: str | None = None, overrides: tuple[str, ...] = ()) -> NodeSpec:
    """The NodeSpec in ``path`` (any dialect), without the warnings."""
    return read_spec(path, node_type, overrides).spec


__all__ = ["ReadResult", "detect_dialect", "read_node_spec", "read_spec", "spec_from_data"]
