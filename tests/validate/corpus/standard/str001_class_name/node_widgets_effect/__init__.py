"""Widgets: a small hand-written effect node on ModelServiceEffect."""

from .node import NodeWidgets

__all__ = ["NodeWidgets"]
