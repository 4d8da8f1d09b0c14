"""Production patterns, one module each: ``(NodeContext) -> Contribution``."""

from __future__ import annotations

import importlib

# name -> module, in the order the selector applies them
PATTERN_MODULES = {
    "logging": "codegen_ast.patterns.core.logging",
    "health_check_mode": "codegen_ast.patterns.core.health_check_mode",
    "postgres": "codegen_ast.patterns.integrations.postgres",
    "redis": "codegen_ast.patterns.integrations.redis",
    "http": "codegen_ast.patterns.integrations.http",
    "kafka": "codegen_ast.patterns.integrations.kafka",
    "circuit_breaker": "codegen_ast.patterns.http.circuit_breaker",
    "consul": "codegen_ast.patterns.consul",
    "events": "codegen_ast.patterns.events.publishing",
    "lifecycle": "codegen_ast.patterns.core.lifecycle",
    "routing": "codegen_ast.patterns.core.routing",
    "errors": "codegen_ast.patterns.core.errors",
    "metrics": "codegen_ast.patterns.core.metrics",
    "health": "codegen_ast.patterns.core.health",
    "publish_event_fix": "codegen_ast.patterns.events.publishing",
    "event_handlers": "codegen_ast.patterns.events.declared",
    "transition_events": "codegen_ast.patterns.events.declared",
    "http_endpoints": "codegen_ast.patterns.http.endpoints",
    "caching": "codegen_ast.patterns.caching.node",
    "workflow": "codegen_ast.patterns.workflow",
}


def pattern_summaries() -> dict[str, str]:
    """One line per pattern: the first line of its module's docstring."""
    summaries = {}
    for name, module_name in PATTERN_MODULES.items():
        doc = importlib.import_module(module_name).__doc__ or ""
        first = " ".join(doc.strip().split("\n\n")[0].split()).replace("``", "").split(". ")[0]
        summaries[name] = first.split(": ", 1)[-1] if first.startswith(name.split("_")[0]) else first
    summaries["transition_events"] = "a state-machine reducer publishes one event per successful transition"
    summaries["publish_event_fix"] = "the fix for the framework's publish_event defect on the Effect and Orchestrator wrappers"
    return summaries
