"""contract.yaml: the ONEX contract, loadable by omnibase-core's own models."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.target import CONTRACT_NODE_TYPES


def _version(text: str) -> dict[str, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return {"major": major, "minor": minor, "patch": patch}


def contract_data(context: NodeContext) -> dict[str, Any]:
    spec = context.spec
    package = spec.package_name
    return {
        "name": spec.name,
        "contract_version": _version("1.0.0"),
        "node_version": _version(spec.version),
        "node_type": CONTRACT_NODE_TYPES[spec.node_type],
        "description": spec.description,
        "input_model": f"{package}.models.model_{spec.name}_input.{context.input_model}",
        "output_model": f"{package}.models.model_{spec.name}_output.{context.output_model}",
        "io_operations": [{"operation_type": op} for op in context.operations],
        "handler_routing": {
            "version": _version("1.0.0"),
            "routing_strategy": "operation_match",
            "handlers": [
                {
                    "operation": op,
                    "handler": {
                        "name": context.handler_class(op),
                        "module": f"{package}.handlers.handler_{op}",
                    },
                }
                for op in context.operations
            ],
        },
    }


def render_contract(context: NodeContext) -> str:
    yaml = YAML(typ="rt", pure=True)  # keeps key order, unlike "safe"
    yaml.default_flow_style = False
    yaml.width = 4096
    stream = io.StringIO()
    stream.write(f"# ONEX contract of {context.spec.class_name}, written by codegen-ast.\n")
    yaml.dump(contract_data(context), stream)
    return stream.getvalue()
