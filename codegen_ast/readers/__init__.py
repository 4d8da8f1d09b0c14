"""Turn input files into a NodeSpec."""

from codegen_ast.readers.node_spec import read_node_spec, spec_from_data

__all__ = ["read_node_spec", "spec_from_data"]
