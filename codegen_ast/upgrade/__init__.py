"""LibCST codemods that add the missing production patterns to existing nodes.

>>> from codegen_ast.upgrade import upgrade_source
>>> new_text = upgrade_source(old_text, add="health,metrics")

See :mod:`codegen_ast.upgrade.concerns` for what each concern adds to a
hand-written node, and docs/library.md for writing your own refactors with
:func:`add_contributions`.
"""

from codegen_ast.upgrade.concerns import CONCERNS, UnknownConcern
from codegen_ast.upgrade.engine import (
    NodeUpgrade,
    UpgradeError,
    UpgradeResult,
    add_contributions,
    upgrade,
    upgrade_source,
)

__all__ = [
    "CONCERNS",
    "NodeUpgrade",
    "UnknownConcern",
    "UpgradeError",
    "UpgradeResult",
    "add_contributions",
    "upgrade",
    "upgrade_source",
]
