"""Run every node of a smoke corpus tree as the framework would, in one process.

    python runner.py ROOT      # ROOT holds src/ (packages, nodes/<case>/) and site/

For each ``nodes.<case>`` package: import ``node`` (or the module ``smoke.py``
names), instantiate the node class with ``ModelONEXContainer()``, ``initialize()``,
``smoke.exercise(node)`` (default: ``process`` with a sample of the node's kind),
read ``health_check_async()``, ``cleanup()``. A method a node defines
synchronously is called without await, as it is written. Each step's outcome
is printed as one JSON object per case: ``{"ok": value}`` or ``{"error": type,
"code": error code}``; a step after a failed one is not run.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

from runner_samples import sample

STEPS = ("import", "instantiate", "initialize", "exercise", "health", "cleanup")


def _kind(cls: type) -> str | None:
    for klass in cls.__mro__:
        if klass.__module__.startswith("omnibase_core.nodes."):
            for kind in ("effect", "compute", "reducer", "orchestrator"):
                if klass.__name__.lower().endswith(kind):
                    return kind
    return None


def _plain(value: Any) -> Any:
    """What a result means, without what changes from run to run (ids, times)."""
    if hasattr(value, "result") and not callable(value.result):
        value = value.result
    elif hasattr(value, "output_variables"):
        value = {"status": str(value.execution_status), "variables": value.output_variables}
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return type(value).__name__


def _failure(error: BaseException) -> dict[str, Any]:
    code = getattr(error, "error_code", None)
    return {"error": type(error).__name__, "code": str(code) if code is not None else None,
            "where": traceback.format_exception_only(error)[-1].strip()[:300]}


async def _call(function: Any, *args: Any) -> Any:
    result = function(*args)
    return await result if inspect.isawaitable(result) else result


def _node_class(module: Any, smoke: Any) -> type:
    name = getattr(smoke, "NODE", None)
    if name:
        return getattr(module, name)  # type: ignore[no-any-return]
    found = [
        value for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__ and value.__name__.startswith("Node")
    ]
    leaves = [cls for cls in found if not any(other is not cls and issubclass(other, cls) for other in found)]
    return leaves[0]


async def run_case(case: str) -> dict[str, Any]:
    from omnibase_core.models.container.model_onex_container import ModelONEXContainer

    outcome: dict[str, Any] = {}
    try:
        smoke = importlib.import_module(f"nodes.{case}.smoke")
        name = getattr(smoke, "MODULE", "node")
        module = importlib.import_module(name if "." in name else f"nodes.{case}.{name}")
        cls = _node_class(module, smoke)
        outcome["import"] = {"ok": True}
    except BaseException as error:  # noqa: BLE001 - every failure is an outcome
        outcome["import"] = _failure(error)
        return outcome
    node: Any = None
    try:
        node = cls(ModelONEXContainer())
        outcome["instantiate"] = {"ok": True}
    except BaseException as error:  # noqa: BLE001
        outcome["instantiate"] = _failure(error)
        return outcome
    kind = getattr(smoke, "KIND", None) or _kind(cls)
    exercise = getattr(smoke, "exercise", None)
    for step in ("initialize", "exercise", "health", "cleanup"):
        try:
            if step == "initialize":
                value = await _call(node.initialize) if hasattr(node, "initialize") else None
                outcome[step] = {"ok": value is None}
            elif step == "exercise":
                if exercise is not None:
                    value = await exercise(node)
                else:
                    value = await _call(node.process, sample(kind or "effect"))
                outcome[step] = {"ok": _plain(value)}
            elif step == "health":
                check = getattr(node, "health_check_async", None)
                status = await check() if check is not None else None
                outcome[step] = {"ok": None if status is None else str(status.status.value)}
            else:
                value = await _call(node.cleanup) if hasattr(node, "cleanup") else None
                outcome[step] = {"ok": value is None}
        except BaseException as error:  # noqa: BLE001
            outcome[step] = _failure(error)
            if step != "cleanup":
                # still release what initialize started, as a runtime would
                try:
                    if hasattr(node, "cleanup"):
                        await _call(node.cleanup)
                except BaseException:  # noqa: BLE001
                    pass
            return outcome
    return outcome


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    sys.path[:0] = [str(root / "src"), str(root / "site")]
    warnings.simplefilter("ignore")
    cases = sorted(path.name for path in (root / "src" / "nodes").iterdir() if (path / "smoke.py").is_file())
    results = {}
    for case in cases:
        try:
            results[case] = asyncio.run(asyncio.wait_for(run_case(case), timeout=30))
        except TimeoutError:
            results[case] = {"run": {"error": "TimeoutError", "code": None, "where": "the case took over 30 s"}}
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
