"""codegen_ast: production-grade ONEX node generation through LibCST trees."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("codegen-ast")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.spec import FieldSpec, NodeSpec, OperationSpec

__all__ = ["FieldSpec", "GeneratedPackage", "NodeSpec", "OperationSpec", "__version__", "generate"]
