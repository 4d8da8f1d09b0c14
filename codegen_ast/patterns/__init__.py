"""Production patterns, one feature package each.

Every pattern is a :class:`~codegen_ast.patterns.record.Pattern` record: when
it applies and what it builds (a :class:`~codegen_ast.patterns.contribution.Contribution`).
:mod:`codegen_ast.patterns.registry` lists them in order; docs/architecture.md
tells how to add one.
"""
