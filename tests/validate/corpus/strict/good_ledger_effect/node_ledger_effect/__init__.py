"""A ledger effect node, written by hand (not generated): composes its own mixins."""

from .node import NodeLedgerEffect

__all__ = ["NodeLedgerEffect"]
