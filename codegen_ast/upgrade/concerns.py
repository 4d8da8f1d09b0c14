"""What ``--add`` can ask for, and which concerns a node class is offered.

Each concern is one production pattern, built by the very same function that
builds it for a generated node (``codegen_ast.patterns``); the upgrade then
adds whatever of it the class lacks. Which patterns apply to a hand-written
node, and how:

========================  =====================================================
concern                   what a hand-written node gets
========================  =====================================================
logging                   ``_emit_log`` and ``NODE_NAME`` (structured logs)
health_check_mode         ``ONEX_HEALTH_CHECK_MODE`` detection in ``__init__``
health                    ``get_health_checks`` + ``_check_self_health`` (the
                          lifecycle check; a hand-written node has no handler
                          table), or the missing checks appended to the list
                          an existing ``get_health_checks`` returns;
                          ``MixinHealthCheck`` added to a plain ``NodeX`` base
metrics                   counters, ``_record_operation``,
                          ``get_operation_metrics``; ``@_record_metrics`` on the
                          entry point; ``MixinMetrics`` added to a plain base
errors                    ``_wrap_error`` and ``@_map_errors`` on the entry
                          point (the errors pattern's except clauses)
lifecycle                 ``initialize``/``cleanup`` starting and stopping the
                          integrations (never over the node's own
                          ``initialize``/``cleanup``: then it is skipped, and
                          so is what it would start)
postgres/redis/http/kafka a managed client, start/stop, a real health probe,
                          typed helpers, error mappings, counters
consul                    registration in ``initialize``, deregistration,
                          a health check
events                    ``_publish_domain_event`` (envelope, event bus and/or
                          Kafka); ``MixinEventBus`` added to a plain base
publish_event_fix         ``_log_info``/``_log_error`` on ModelServiceEffect /
                          ModelServiceOrchestrator (framework defect)
scaffold                  adoption of the ``onex new node`` stub
                          (:mod:`codegen_ast.upgrade.scaffold`)
========================  =====================================================

Routing (``process`` dispatching to generated handlers and models) is the one
pattern that never applies: it needs the generated request/response models, and
a hand-written ``process`` is the user's.

Without ``--add`` every applicable concern is offered: logging,
health_check_mode, health, metrics, errors, the integrations the module
imports, consul when it is imported, events when Kafka is, the publish_event
fix on the defective wrappers, and scaffold adoption for a stub.
:mod:`codegen_ast.upgrade.plan` then decides, and says why it skips one: errors
and the integrations, consul and events only when named. Requested concerns pull
in what they need (an integration needs lifecycle, health, metrics; lifecycle
needs logging...).
"""

from __future__ import annotations

from collections.abc import Iterable

from codegen_ast.decisions import Decision
from codegen_ast.errors import CodegenError
from codegen_ast.patterns.events.publishing import DEFECTIVE_WRAPPERS
from codegen_ast.patterns.integrations import INTEGRATIONS
from codegen_ast.patterns.registry import REGISTRY
from codegen_ast.spec import suggestion
from codegen_ast.target import SERVICE_WRAPPERS
from codegen_ast.upgrade.nodes import NodeClass

INTEGRATION_NAMES: tuple[str, ...] = tuple(INTEGRATIONS)
# the registry's upgradable patterns, after the adoption of the `onex new node` stub
CONCERNS: tuple[str, ...] = ("scaffold", *(pattern.name.value for pattern in REGISTRY if pattern.upgradable))
REQUIRES: dict[str, frozenset[str]] = {
    "errors": frozenset({"logging"}),
    "lifecycle": frozenset({"logging", "health_check_mode"}),
    "consul": frozenset({"lifecycle", "health", "health_check_mode", "logging"}),
    "events": frozenset({"logging", "metrics"}),
    **{name: frozenset({"lifecycle", "health", "metrics", "health_check_mode", "logging"}) for name in INTEGRATION_NAMES},
}
# offered to every node; each is still checked (codegen_ast.upgrade.plan), and errors
# is only applied when asked for by name (it changes the exceptions callers see)
_ALWAYS = ("logging", "health_check_mode", "health", "metrics", "errors")


class UnknownConcern(CodegenError):
    """``--add`` named something the upgrade does not know."""


def parse_concerns(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"health,metrics"`` or ``["health", "metrics"]`` -> the concerns; None means all applicable."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    names = frozenset(item.strip() for item in items if item.strip())
    for name in sorted(names):
        if name not in CONCERNS:
            raise UnknownConcern(f"unknown concern {name!r}: {suggestion(name, CONCERNS)}known: {', '.join(CONCERNS)}")
    return names


def closure(concerns: Iterable[str]) -> frozenset[str]:
    result = set(concerns)
    pending = list(result)
    while pending:
        for needed in REQUIRES.get(pending.pop(), frozenset()):
            if needed not in result:
                result.add(needed)
                pending.append(needed)
    return frozenset(result)


def choose_concerns(
    requested: frozenset[str] | None, node: NodeClass, detected: dict[str, str]
) -> tuple[tuple[str, ...], list[Decision]]:
    """The concerns to apply to ``node``, in order, with the reason for each."""
    log: list[Decision] = []
    if requested is None:
        chosen = set(_ALWAYS)
        reasons = {name: "applies to every node" for name in _ALWAYS}
        for name, library in detected.items():
            chosen.add(name)
            reasons[name] = f"the module imports {library}"
        if "kafka" in detected:
            chosen.add("events")
            reasons["events"] = "the module imports aiokafka"
        chosen |= {"scaffold", "publish_event_fix"}
    else:
        chosen = set(requested)
        reasons = {name: "requested with --add" for name in requested}
    full = closure(chosen)
    wrapper = SERVICE_WRAPPERS[node.node_type].name if node.scaffold else node.base
    if not node.scaffold:
        full -= {"scaffold"}
    if wrapper not in DEFECTIVE_WRAPPERS:
        full -= {"publish_event_fix"}
    reasons.setdefault("scaffold", "the class is the stub `onex new node` writes")
    reasons.setdefault("publish_event_fix", f"{wrapper} shadows MixinEventBus logging (framework defect)")
    ordered = tuple(name for name in CONCERNS if name in full)
    log += [Decision("pattern", name, reasons.get(name, "needed by another concern")) for name in ordered]
    return ordered, log
