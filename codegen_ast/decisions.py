"""What the selector decides for a spec: a Selection, and the Decisions that explain it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from codegen_ast.target import BASE_CLASSES, SERVICE_WRAPPERS, WRAPPER_MIXINS, Symbol


class Decision(NamedTuple):
    """One choice of the selector and why (a NamedTuple: selection is hot)."""

    topic: str  # "base", "mixin", "integration", "pattern"
    choice: str
    reason: str


@dataclass(frozen=True)
class Selection:
    node_type: str
    base: Symbol  # the wrapper, or the plain NodeX of a custom composition
    mixins: tuple[str, ...]  # explicit mixins of a custom composition
    integrations: tuple[str, ...]  # in start order
    patterns: tuple[str, ...]  # in assembly order
    log: tuple[Decision, ...]
    variant: str | None = None  # the pattern profile (seed 6.1), if one applies

    @property
    def uses_wrapper(self) -> bool:
        return self.base in SERVICE_WRAPPERS.values()

    @property
    def bases(self) -> tuple[str, ...]:
        """The class's bases in MRO order (MixinNodeService first, as in the wrappers)."""
        front = tuple(m for m in self.mixins if m == "MixinNodeService")
        return (*front, self.base.name, *(m for m in self.mixins if m != "MixinNodeService"))

    @property
    def provides(self) -> frozenset[str]:
        """Every mixin the node class ends up with (wrapper's or explicit)."""
        own = set(WRAPPER_MIXINS[self.node_type]) if self.uses_wrapper else set()
        return frozenset(own | set(self.mixins))

    def as_dict(self) -> dict[str, object]:
        return {
            "node_type": self.node_type,
            "variant": self.variant,
            "base": f"{self.base.module}.{self.base.name}",
            "mixins": list(self.mixins),
            "integrations": list(self.integrations),
            "patterns": list(self.patterns),
            "log": [decision._asdict() for decision in self.log],
        }


# the first base of a service shell whose class has MixinNodeService and MixinEventBus
# (onex_support/service_mode.py: the framework's publish_event defect mended there)
SERVICE_FIX = Symbol("onex_support.service_mode", "LongLivedNode")


def service_fix(node_type: str, mixins: Collection[str]) -> bool:
    """Whether a declarative service shell takes ``LongLivedNode`` first: its class has
    both MixinNodeService and MixinEventBus (the wrapper's, or the spec's)."""
    return "MixinNodeService" in mixins and "MixinEventBus" in {*WRAPPER_MIXINS[node_type], *mixins}


def shell_base(node_type: str, mixins: Collection[str]) -> tuple[Symbol, Decision]:
    """The node base of a declarative node's shell, and why.

    A node declared as a long-lived service (``MixinNodeService`` among its mixins)
    takes the framework's service wrapper, which brings the service mixins, as its
    base (then ``LongLivedNode`` when its class has ``MixinEventBus`` too: see
    :func:`service_fix`); any other node takes the plain node class, its behaviour
    being in the handlers. The spec's other mixins are further bases. Either way the
    class stays a shell: a docstring and ``__init__``."""
    if "MixinNodeService" in mixins:
        wrapper = SERVICE_WRAPPERS[node_type]
        extra = [m for m in mixins if m not in WRAPPER_MIXINS[node_type] and m != "MixinDiscoveryResponder"]
        reason = (
            "the spec declares a long-lived service (MixinNodeService in mixins): the shell takes the "
            f"wrapper as its {'base' if extra else 'only base'}, for {', '.join(WRAPPER_MIXINS[node_type])}"
            + (f"; {', '.join(extra)} further bases" if extra else "")
        )
        if not service_fix(node_type, mixins):
            return wrapper, Decision("shell", wrapper.name, reason + ", and stays a shell")
        reason += (
            f"; then {SERVICE_FIX.name} ({SERVICE_FIX.module}), before the wrapper's MixinNodeService: "
            "MixinNodeService and MixinEventBus define _log_info/_log_error differently, so the framework's "
            "publish_event raises TypeError after delivering and mypy --strict rejects a class that adds a base "
            "to the wrapper; LongLivedNode defines both once, and the class stays a shell"
        )
        return wrapper, Decision("shell", f"{wrapper.name} + {SERVICE_FIX.name}", reason)
    plain = BASE_CLASSES[node_type]
    reason = (
        "no long-lived service declared (MixinNodeService not in mixins): the plain node class; "
        "the handlers carry the behaviour, the registry the resources"
        + ("; the spec's mixins it lacks are further bases" if any(m != "MixinDiscoveryResponder" for m in mixins) else "")
    )
    return plain, Decision("shell", plain.name, reason)
