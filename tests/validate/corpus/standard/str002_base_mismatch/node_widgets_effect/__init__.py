"""Widgets: a small hand-written effect node on ModelServiceEffect."""

from .node import NodeWidgetsCompute

__all__ = ["NodeWidgetsCompute"]
