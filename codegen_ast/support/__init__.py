"""Constant code of generated packages, as real Python (see codegen_ast.builders.support)."""
