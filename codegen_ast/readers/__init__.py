"""Turn input files into a NodeSpec, whatever the dialect.

Three dialects are detected automatically: our own NodeSpec YAML, a current
ONEX ``contract.yaml``, and the older v2 contract dialect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from codegen_ast.errors import InputProblem
from codegen_ast.readers.contract import convert_contract
from codegen_ast.readers.contract_v2 import convert_v2
from codegen_ast.readers.dialect import Conversion
from codegen_ast.readers.node_spec import spec_from_data
from codegen_ast.readers.yaml_source import YamlDocument, load_yaml
from codegen_ast.spec import NodeSpec

Dialect = Literal["spec", "contract", "contract-v2"]
_V2_MARKERS = frozenset({"node_id", "mixin_configuration", "event_patterns", "input_schema", "output_schema"})
_CONTRACT_MARKERS = frozenset({"contract_version", "io_operations", "handler_routing", "handler", "input_model", "event_bus"})


@dataclass
class ReadResult:
    spec: NodeSpec
    dialect: Dialect
    warnings: list[InputProblem] = field(default_factory=list)


def detect_dialect(document: YamlDocument) -> Dialect:
    keys = set(document.data)
    if keys & _V2_MARKERS:
        return "contract-v2"
    node_type = document.data.get("node_type")
    if keys & _CONTRACT_MARKERS or (isinstance(node_type, str) and node_type.upper().endswith("_GENERIC")):
        return "contract"
    return "spec"


def read_spec(path: Path) -> ReadResult:
    """Read ``path`` in whichever dialect it is written; warnings say what was mapped or ignored."""
    document = load_yaml(path)
    dialect = detect_dialect(document)
    if dialect == "spec":
        return ReadResult(spec_from_data(document.data, document), dialect)
    conversion = Conversion(document)
    (convert_v2 if dialect == "contract-v2" else convert_contract)(conversion)
    spec = spec_from_data(conversion.data, document, source_of=conversion.source_of)
    return ReadResult(spec, dialect, conversion.warnings)


def read_node_spec(path: Path) -> NodeSpec:
    """The NodeSpec in ``path`` (any dialect), without the warnings."""
    return read_spec(path).spec


__all__ = ["ReadResult", "detect_dialect", "read_node_spec", "read_spec", "spec_from_data"]
