"""``mypy.api.run``, imported on first use: only strict validation needs mypy, and
importing it costs every other command (``new`` at its default level) time for nothing."""

from __future__ import annotations


def run(arguments: list[str]) -> tuple[str, str, int]:
    from mypy import api

    return api.run(arguments)
