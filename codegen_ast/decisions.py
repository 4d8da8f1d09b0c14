"""What the selector decides for a spec: a Selection, and the Decisions that explain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from codegen_ast.target import SERVICE_WRAPPERS, WRAPPER_MIXINS, Symbol


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
