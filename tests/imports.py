"""Import a generated package from a folder, and forget it afterwards.

Generated packages share names across test cases (the bundled example and a
golden case may both be ``node_orders_effect``), so each import is undone.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType


@contextmanager
def imported(package_dir: Path) -> Iterator[ModuleType]:
    name = package_dir.name
    _forget(name)
    sys.path.insert(0, str(package_dir.parent))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(package_dir.parent))
        _forget(name)


def _forget(name: str) -> None:
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]
