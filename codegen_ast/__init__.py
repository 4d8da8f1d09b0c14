"""codegen_ast: production-grade ONEX node generation through LibCST trees.

The public API (everything else is private and may change):

- generate a package in memory: ``generate_declarative(NodeSpec(...)) ->
  GeneratedPackage`` (the framework's declarative node, what ``codegen-ast new``
  writes; ``.write(path)`` writes ``onex_support`` beside it), or
  ``generate(NodeSpec(...))`` for the imperative shape (``.files``, ``.write(path)``);
- upgrade existing nodes: ``upgrade_source(text, add=...) -> str``,
  ``upgrade(text, add=...) -> UpgradeResult`` (what was added, notes, timings);
- your own refactors: ``add_contributions(text, build)`` with the pattern
  builders (``build_health``, ``build_integration``, ...) and the typed libcst
  builders of :mod:`codegen_ast.builders`;
- validate packages or files: ``validate(paths, level=...) -> Report``.

See docs/library.md for a worked example.
"""

import sys
import types
from typing import TYPE_CHECKING

from codegen_ast._lazy import lazy_exports
from codegen_ast._version import __version__

# public name -> the module that defines it; imported on first use (PEP 562),
# so that `import codegen_ast` (and the CLI's --help) stays cheap
_EXPORTS = {
    "GeneratedPackage": "codegen_ast.generate",
    "generate": "codegen_ast.generate",
    "generate_declarative": "codegen_ast.declarative.generate",
    "node_context": "codegen_ast.generate",
    "build_consul": "codegen_ast.patterns.consul",
    "Contribution": "codegen_ast.patterns.contribution",
    "ErrorMapping": "codegen_ast.patterns.contribution",
    "LifecycleStep": "codegen_ast.patterns.contribution",
    "NodeContext": "codegen_ast.patterns.contribution",
    "build_errors": "codegen_ast.patterns.core.errors",
    "build_event_publishing": "codegen_ast.patterns.events.publishing",
    "build_publish_event_fix": "codegen_ast.patterns.events.publishing",
    "build_health": "codegen_ast.patterns.core.health",
    "build_health_check_mode": "codegen_ast.patterns.core.health_check_mode",
    "INTEGRATIONS": "codegen_ast.patterns.integrations",
    "Integration": "codegen_ast.patterns.integrations",
    "build_integration": "codegen_ast.patterns.integrations",
    "build_lifecycle": "codegen_ast.patterns.core.lifecycle",
    "build_logging": "codegen_ast.patterns.core.logging",
    "build_metrics": "codegen_ast.patterns.core.metrics",
    "FieldSpec": "codegen_ast.spec",
    "NodeSpec": "codegen_ast.spec",
    "OperationSpec": "codegen_ast.spec",
    "CONCERNS": "codegen_ast.upgrade",
    "NodeUpgrade": "codegen_ast.upgrade",
    "UpgradeError": "codegen_ast.upgrade",
    "UpgradeResult": "codegen_ast.upgrade",
    "add_contributions": "codegen_ast.upgrade",
    "upgrade": "codegen_ast.upgrade",
    "upgrade_source": "codegen_ast.upgrade",
    "Report": "codegen_ast.validate",
    "validate": "codegen_ast.validate",
}

if TYPE_CHECKING:
    from codegen_ast.declarative.generate import generate_declarative
    from codegen_ast.generate import GeneratedPackage, generate, node_context
    from codegen_ast.patterns.consul import build_consul
    from codegen_ast.patterns.contribution import Contribution, ErrorMapping, LifecycleStep, NodeContext
    from codegen_ast.patterns.core.errors import build_errors
    from codegen_ast.patterns.events.publishing import build_event_publishing, build_publish_event_fix
    from codegen_ast.patterns.core.health import build_health
    from codegen_ast.patterns.core.health_check_mode import build_health_check_mode
    from codegen_ast.patterns.integrations import INTEGRATIONS, Integration, build_integration
    from codegen_ast.patterns.core.lifecycle import build_lifecycle
    from codegen_ast.patterns.core.logging import build_logging
    from codegen_ast.patterns.core.metrics import build_metrics
    from codegen_ast.spec import FieldSpec, NodeSpec, OperationSpec
    from codegen_ast.upgrade import (
        CONCERNS,
        NodeUpgrade,
        UpgradeError,
        UpgradeResult,
        add_contributions,
        upgrade,
        upgrade_source,
    )
    from codegen_ast.validate import Report, validate


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


# generate, upgrade and validate are functions named like the modules that
# define them; loading such a module binds it on the package, which would hide
# the function: the package keeps the function (as an eager import would).
_NAMED_LIKE_THEIR_MODULE = frozenset({"generate", "upgrade", "validate"})


class _PublicApi(types.ModuleType):
    def __setattr__(self, name: str, value: object) -> None:
        if name in _NAMED_LIKE_THEIR_MODULE and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _PublicApi


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "CONCERNS",
    "Contribution",
    "ErrorMapping",
    "FieldSpec",
    "GeneratedPackage",
    "INTEGRATIONS",
    "Integration",
    "LifecycleStep",
    "NodeContext",
    "NodeSpec",
    "NodeUpgrade",
    "OperationSpec",
    "Report",
    "UpgradeError",
    "UpgradeResult",
    "__version__",
    "add_contributions",
    "build_consul",
    "build_errors",
    "build_event_publishing",
    "build_health",
    "build_health_check_mode",
    "build_integration",
    "build_lifecycle",
    "build_logging",
    "build_metrics",
    "build_publish_event_fix",
    "generate",
    "generate_declarative",
    "node_context",
    "upgrade",
    "upgrade_source",
    "validate",
]
