"""The click commands of codegen-ast, one module each (cli.py registers them)."""
