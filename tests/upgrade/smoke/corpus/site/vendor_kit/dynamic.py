"""A base class made at import time: no source says what it has."""

from omnibase_core.nodes import NodeEffect

DynamicEffect = type("DynamicEffect", (NodeEffect,), {"__doc__": "An effect base built by a factory."})
