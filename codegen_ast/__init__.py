"""codegen_ast: production-grade ONEX node generation through LibCST trees.

The public API (everything else is private and may change):

- generate a package in memory: ``generate(NodeSpec(...)) -> GeneratedPackage``
  (``.files``, ``.write(path)``);
- upgrade existing nodes: ``upgrade_source(text, add=...) -> str``,
  ``upgrade(text, add=...) -> UpgradeResult`` (what was added, notes, timings);
- your own refactors: ``add_contributions(text, build)`` with the pattern
  builders (``build_health``, ``build_integration``, ...) and the typed libcst
  builders of :mod:`codegen_ast.builders`;
- validate packages or files: ``validate(paths, level=...) -> Report``.

See docs/library.md for a worked example.
"""

from codegen_ast._version import __version__

from codegen_ast.generate import GeneratedPackage, generate, node_context
from codegen_ast.patterns.consul import build_consul
from codegen_ast.patterns.contribution import Contribution, ErrorMapping, LifecycleStep, NodeContext
from codegen_ast.patterns.errors import build_errors
from codegen_ast.patterns.events import build_event_publishing, build_publish_event_fix
from codegen_ast.patterns.health import build_health
from codegen_ast.patterns.health_check_mode import build_health_check_mode
from codegen_ast.patterns.integrations import INTEGRATIONS, Integration, build_integration
from codegen_ast.patterns.lifecycle import build_lifecycle
from codegen_ast.patterns.logging import build_logging
from codegen_ast.patterns.metrics import build_metrics
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
    "node_context",
    "upgrade",
    "upgrade_source",
    "validate",
]
