"""Survey reducer: a declarative FSM state tracker; transitions live in contract.yaml."""

from __future__ import annotations

from omnibase_core.nodes.node_reducer import NodeReducer


class NodeSurveyReducer(NodeReducer):  # expect: PAT001, PAT002, TYP001
    """Declarative reducer: all behaviour is in contract.yaml (its base lacks its type arguments)."""

    # Pure declarative shell - all behaviour defined in contract.yaml


__all__ = ["NodeSurveyReducer"]
