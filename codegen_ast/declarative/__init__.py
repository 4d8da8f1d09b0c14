"""The declarative shape of a node package (docs/declarative-shape.md): a shell
``node.py``, a routing contract, one handler per operation on ``onex_support``'s
bases, a registry of the node's resources, plain models, and ``onex_support``
written once per output folder.

Each module builds one file kind; :mod:`.generate` puts them together. Patterns
contribute through the registry (``Pattern.declarative`` -> ``Contribution.runs``,
``.resources``, ``.event_handlers``); :mod:`codegen_ast.upgrade.migrate` reuses the
shell, entry, registry and routing builders.
"""
