from codegen_ast.cli import run

run()
