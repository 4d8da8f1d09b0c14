from codegen_ast.cli import main

main()
