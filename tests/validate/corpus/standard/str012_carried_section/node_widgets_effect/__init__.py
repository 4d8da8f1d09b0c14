"""Widgets: a small hand-written effect node on ModelServiceEffect."""

from .node import NodeWidgetsEffect

__all__ = ["NodeWidgetsEffect"]
