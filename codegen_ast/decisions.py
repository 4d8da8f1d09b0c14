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


def shell_base(node_type: str, mixins: Collection[str]) -> tuple[Symbol, Decision]:
    """The node base of a declarative node's shell, and why.

    A node declared as a long-lived service (``MixinNodeService`` among its mixins)
    takes the framework's service wrapper, which brings the service mixins, as its
    only base; any other node takes the plain node class, its behaviour being in the
    handlers, and the other mixins of its spec as further bases. Either way the
    class stays a shell: a docstring and ``__init__``."""
    if "MixinNodeService" in mixins:
        wrapper = SERVICE_WRAPPERS[node_type]
        reason = (
            "the spec declares a long-lived service (MixinNodeService in mixins): the shell takes the "
            f"wrapper as its only base, for {', '.join(WRAPPER_MIXINS[node_type])}, and stays a shell"
        )
        return wrapper, Decision("shell", wrapper.name, reason)
    plain = BASE_CLASSES[node_type]
    reason = (
        "no long-lived service declared (MixinNodeService not in mixins): the plain node class; "
        "the handlers carry the behaviour, the registry the resources"
        + ("; the spec's mixins it lacks are further bases" if any(m != "MixinDiscoveryResponder" for m in mixins) else "")
    )
    return plain, Decision("shell", plain.name, reason)
