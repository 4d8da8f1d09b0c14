"""Imports generated packages in the target Python, one request per line.

Run as a script by :mod:`codegen_ast.validate.import_check` (standard library
only at module level): each line on stdin is ``{"root": folder, "package":
name}``; the package and every module below it but its tests are imported from
``folder``, and one line of JSON answers: ``{"error": null}`` or the error with
the file and line of the package where it was raised. The process stays up
for the next request, so a batch pays the framework's import once; as soon as it
starts, it imports the modules named on its command line (the framework's node base
classes and contract models, and what the support package imports: see
:func:`_preload`), so that this costly part overlaps the asking process's work.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import select
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
        return {"error": None, "unversioned": _unversioned(root)}
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


def _unversioned(root: str) -> list[str]:
    """Files of the loaded modules that come from neither ``root``, the standard library
    nor an installed distribution's folder (a source folder on the path, an editable
    project): no installed version stands for their contents, so an answer that may
    rest on them is not kept on disk."""
    import sysconfig

    paths = sysconfig.get_paths()
    known = tuple(os.path.abspath(folder) + os.sep for folder in
                  (root, *(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))))
    found = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name == "__main__" or not file:
            continue
        place = os.path.abspath(file)
        if not place.startswith(known) and not {"site-packages", "dist-packages"} & set(place.split(os.sep)):
            found.add(place)
    return sorted(found)[:20]


def _preload(names: list[str]) -> None:
    """Import ``names`` (the command line's: what every generated package imports
    first) when the worker starts, while the asking process still builds the package.
    ``module:name`` also takes ``name`` from it (a package that loads its classes on
    first use). ``--imports-of FOLDER MODULE...``: the modules of the package in
    FOLDER (the support package every declarative package imports) are read, not
    imported; what they, and the modules of the package they import in turn, import
    from elsewhere at their top level is imported (the framework, httpx, redis, ...),
    before the other names. A request that arrives meanwhile ends the preload."""
    if "--imports-of" in names:
        at = names.index("--imports-of")
        names = _imports_of(names[at + 1], names[at + 2:]) + names[:at]  # what every package imports first
    for name in names:
        if _asked():
            return  # the request matters more than the rest of the list
        module, _, attribute = name.partition(":")
        try:
            with contextlib.redirect_stdout(sys.stderr):
                loaded = importlib.import_module(module)
                if attribute and not hasattr(loaded, attribute):
                    importlib.import_module(f"{module}.{attribute}")  # a submodule
        except BaseException:  # the package's own import reports what is wrong
            pass


def _asked() -> bool:
    """Whether a request waits on stdin (nothing of it read yet)."""
    try:
        return bool(select.select([sys.stdin], [], [], 0)[0])
    except (OSError, ValueError):  # no select on this stream (Windows pipes): preload everything
        return False


def _imports_of(folder: str, modules: list[str]) -> list[str]:
    """``module`` or ``module:name`` of every import from outside the package in
    ``folder`` at the top level of ``modules`` (dotted names in that package) and of
    the package's modules they import, each once, in the order met."""
    import ast

    own = os.path.basename(os.path.normpath(folder))
    found: dict[str, None] = {}
    seen: set[str] = set()
    pending = list(modules)
    while pending:
        module = pending.pop(0)
        if module in seen or module.split(".")[0] != own:
            continue
        seen.add(module)
        parts = module.split(".")[1:]
        for candidate in (os.path.join(folder, *parts, "__init__.py"), os.path.join(folder, *parts) + ".py"):
            if os.path.isfile(candidate):
                break
        else:
            continue
        try:
            with open(candidate, encoding="utf-8") as stream:
                tree = ast.parse(stream.read())
        except (OSError, SyntaxError, ValueError):
            continue
        package = module if candidate.endswith("__init__.py") else module.rpartition(".")[0]
        for node in [item for node in tree.body for item in (node.body if isinstance(node, ast.Try) else [node])]:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [base, *(f"{base}:{alias.name}" for alias in node.names if alias.name != "*")]
            else:
                continue
            for name in names:
                top = name.split(":")[0].split(".")[0]
                if top == own:
                    pending.append(name.replace(":", "."))  # a module of the package, or a name: read if a module
                elif top != "__future__":
                    found[name] = None
    return list(found)


def _main() -> None:
    del sys.path[0]  # this script's folder: nothing there is the package's to import
    gc.set_threshold(50_000, 20, 20)  # the framework's import makes objects that live on: collect less often
    _preload(sys.argv[1:])
    for line in sys.stdin:
        request = json.loads(line)
        answer = check(request["root"], request["package"])
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _main()
