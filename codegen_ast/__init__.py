"""codegen_ast: production-grade ONEX node generation through LibCST trees."""

from codegen_ast._version import __version__

from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.spec import FieldSpec, NodeSpec, OperationSpec

__all__ = ["FieldSpec", "GeneratedPackage", "NodeSpec", "OperationSpec", "__version__", "generate"]
