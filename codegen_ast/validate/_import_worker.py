"""Imports generated packages in the target Python, one request per line.

Run as a script by :mod:`codegen_ast.validate.import_check` (standard library
only at module level): each line on stdin is ``{"root": folder, "package":
name}``; the package and every module below it but its tests are imported from
``folder``, and one line of JSON answers: ``{"error": null}`` or the error with
the file and line of the package where it was raised. The process stays up
for the next request, so a batch pays the framework's import once; it imports
the modules named on its command line as soon as it starts (the framework's node
and contract modules).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import sys
import traceback
from typing import Any


def _forget(package: str) -> None:
    for name in [name for name in sys.modules if name == package or name.startswith(package + ".")]:
        del sys.modules[name]


def _forget_from(root: str) -> None:
    """Every module loaded from ``root`` (a package's shared neighbour, such as
    onex_support, comes from the next request's own folder)."""
    inside = os.path.abspath(root) + os.sep
    for name, module in list(sys.modules.items()):
        places = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or [])]
        if any(os.path.abspath(str(place)).startswith(inside) for place in places if place):
            del sys.modules[name]


def check(root: str, package: str) -> dict[str, Any]:
    """Import ``package`` from ``root``; None as the error when it imports."""
    _forget(package)
    sys.path.insert(0, root)
    importlib.invalidate_caches()
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries the answers
            module = importlib.import_module(package)
            for found in pkgutil.walk_packages(module.__path__, package + "."):
                if ".tests" not in found.name:
                    importlib.import_module(found.name)
        return {"error": None}
    except BaseException as error:  # whatever the import raises is the answer
        inside = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if os.path.abspath(frame.filename).startswith(os.path.abspath(root) + os.sep)]
        last = inside[-1] if inside else None
        return {
            "error": "%s: %s" % (type(error).__name__, error),
            "file": os.path.relpath(last.filename, root) if last else None,
            "line": last.lineno if last else None,
        }
    finally:
        sys.path.remove(root)
        _forget(package)
        _forget_from(root)


def _preload(names: list[str]) -> None:
    """Import ``names`` (the command line's: what every generated package imports first)
    when the worker starts, while the asking process still imports its own modules."""
    for name in names:
        try:
            with contextlib.redirect_stdout(sys.stderr):
                importlib.import_module(name)
        except BaseException:  # the package's own import reports what is wrong
            pass


def _main() -> None:
    del sys.path[0]  # this script's folder: nothing there is the package's to import
    _preload(sys.argv[1:])
    for line in sys.stdin:
        request = json.loads(line)
        answer = check(request["root"], request["package"])
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _main()
