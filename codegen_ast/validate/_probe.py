"""Questions only the target Python can answer, asked in that Python.

This file runs in three ways: imported (when the target interpreter is the one
running codegen-ast), as a script in another interpreter, fed its source with
``python -c``, and loaded from its file by the import server
(:mod:`codegen_ast.validate._import_worker` ``--serve``), which answers contract
questions from a child it forks. It therefore imports nothing but the standard
library at module level, and it speaks JSON: a request ``{"contracts": [...], "modules": [...]}``
on stdin, the answer on stdout after the line :data:`SENTINEL` (whatever the
imported packages print before it is ignored).

- ``contracts``: ``[{"id": str, "text": str}]`` -> each passed through the
  framework's own normalizer (``compose_normalization_pipeline``: it strips the
  keys the runtime reads and the typed models do not define, such as
  ``event_bus``, and files the other unknown top-level keys, such as
  ``terminal_event`` or ``descriptor``, under ``annotations``), then loaded with
  the omnibase-core contract model its ``node_type`` names: the pydantic errors
  with their ``loc``, the warnings the framework logs while loading, the keys
  the normalizer filed under ``annotations`` (``set_aside``) and the model's
  own keys (``model_keys``), so that a misspelt key can still be told.
- ``modules``: dotted names -> where ``importlib.util.find_spec`` finds them in this
  interpreter, without importing their parent packages (:func:`_find_spec`).
- ``attributes``: ``[[module, name]]`` -> whether the imported module has the
  attribute; asked only of installed modules whose names cannot be read from
  source (a lazy module ``__getattr__``), never of the code under review.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
import warnings
from typing import Any

SENTINEL = "--codegen-ast-probe-result--"
_CONTRACT_MODELS = {
    "effect": "ModelContractEffect",
    "compute": "ModelContractCompute",
    "reducer": "ModelContractReducer",
    "orchestrator": "ModelContractOrchestrator",
}
CONTRACT_KINDS = tuple(_CONTRACT_MODELS)


def contract_kind(node_type: object) -> str | None:
    """'EFFECT_GENERIC' / 'effect' -> 'effect'; None for anything else."""
    if not isinstance(node_type, str):
        return None
    value = node_type.strip().lower()
    for kind in _CONTRACT_MODELS:
        if value in (kind, kind + "_generic"):
            return kind
    return None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _plain(value: object) -> int | str:
    return value if isinstance(value, (int, str)) else str(value)


def _load_contract(models: Any, yaml: Any, normalize: Any, text: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "kind": None, "loaded": False, "errors": [], "warnings": [], "yaml_error": None,
        "set_aside": [], "model_keys": [],
    }
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        result["yaml_error"] = {
            "line": mark.line + 1 if mark is not None else 1,
            "message": str(getattr(error, "problem", None) or error),
        }
        return result
    if not isinstance(data, dict):
        result["errors"].append(
            {"loc": [], "msg": "a contract is a mapping of keys to values", "type": "not_a_mapping"}
        )
        return result
    kind = contract_kind(data.get("node_type"))
    result["kind"] = kind
    if kind is None:
        result["errors"].append(
            {
                "loc": ["node_type"],
                "msg": "node_type must be EFFECT_GENERIC, COMPUTE_GENERIC, REDUCER_GENERIC "
                "or ORCHESTRATOR_GENERIC (got %r)" % (data.get("node_type"),),
                "type": "node_type",
            }
        )
        return result
    model = getattr(models, _CONTRACT_MODELS[kind])
    known: set[str] = set()
    for name, info in model.model_fields.items():
        known.add(name)
        known.update(alias for alias in (info.alias, info.validation_alias) if isinstance(alias, str))
    result["model_keys"] = sorted(known)
    if normalize is not None:
        before = data.get("annotations")
        try:
            data = normalize(data)
        except Exception:  # the normalizer gave up on this shape: the model judges it as written
            pass
        filed = data.get("annotations")
        if isinstance(filed, dict):
            kept = before if isinstance(before, dict) else {}
            result["set_aside"] = [str(key) for key in filed if key not in kept]
    collector = _Collect()
    framework_logger = logging.getLogger("omnibase_core")
    propagate = framework_logger.propagate
    framework_logger.addHandler(collector)
    framework_logger.propagate = False  # keep the framework's log lines off our output
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model.model_validate(data)  # what from_yaml does after safe_load
                result["loaded"] = True
            except Exception as error:  # a model validator may raise ModelOnexError, cause or not
                cause = error if type(error).__name__ == "ValidationError" else error.__cause__
                details = getattr(cause, "errors", None)
                if callable(details):
                    for item in details(include_url=False):
                        result["errors"].append(
                            {
                                "loc": [_plain(part) for part in item.get("loc", ())],
                                "msg": str(item.get("msg", "")),
                                "type": str(item.get("type", "")),
                            }
                        )
                else:
                    result["errors"].append(
                        {"loc": _culprit(model, data), "msg": "%s: %s" % (type(error).__name__, error), "type": "exception"}
                    )
    finally:
        framework_logger.removeHandler(collector)
        framework_logger.propagate = propagate
    result["warnings"] = collector.messages + [str(item.message) for item in caught]
    return result


def _culprit(model: Any, data: dict[str, Any]) -> list[str]:
    """The top-level key a model validator's error (which names none) comes from: the one
    whose removal lets the model accept the contract; none when no single key does."""
    logging.disable(logging.CRITICAL)  # what the trials log or warn is not the contract's
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key in list(data):
                try:
                    model.model_validate({name: value for name, value in data.items() if name != key})
                except Exception:
                    continue
                return [key]
    finally:
        logging.disable(logging.NOTSET)
    return []


def _normalizer() -> Any:
    """omnibase-core's contract normalizer; None in a release that has none (contracts load as written)."""
    try:
        module = importlib.import_module("omnibase_core.normalization.contract_normalizer")
    except Exception:
        return None
    return getattr(module, "compose_normalization_pipeline", None)


def _find_spec(name: str) -> Any:
    """``importlib.util.find_spec`` without running the ``__init__`` of parent packages.

    find_spec imports every parent of a dotted name; for ``omnibase_core.nodes.x``
    that is the framework's node package and most of the framework (seconds). The
    top-level name is found by the import system's finders as usual, then each
    part by the path finder in its parent's folders. A name whose parent is
    already imported is asked of find_spec itself (the parent may have added
    submodules while running)."""
    parent = name.rpartition(".")[0]
    if not parent or parent in sys.modules:
        return importlib.util.find_spec(name)
    parts = name.split(".")
    spec = importlib.util.find_spec(parts[0])
    for index in range(1, len(parts)):
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(
            ".".join(parts[: index + 1]), list(spec.submodule_search_locations)
        )
    return spec


def _find_module(name: str) -> dict[str, Any]:
    try:
        spec = _find_spec(name)
    except ImportError as error:
        return {"found": False, "error": "%s: %s" % (type(error).__name__, error)}
    except Exception as error:  # a parent package raised while being imported
        return {
            "found": False,
            "error": "importing a parent package failed: %s: %s" % (type(error).__name__, error),
        }
    if spec is None:
        return {"found": False, "error": None}
    origin = spec.origin if spec.has_location else None
    return {
        "found": True,
        "origin": origin,
        "package": spec.submodule_search_locations is not None,
        "search": list(spec.submodule_search_locations or []),
    }


def _has_attribute(module: str, name: str) -> bool | None:
    """Whether ``module.name`` exists once the module is imported; None if it cannot be."""
    try:
        imported = importlib.import_module(module)
        return hasattr(imported, name)
    except Exception:
        return None


def probe(request: dict[str, Any]) -> dict[str, Any]:
    """Answer one request (see the module docstring)."""
    answer: dict[str, Any] = {
        "python": {"executable": sys.executable, "version": list(sys.version_info[:3])},
        "environment_error": None,
        "contracts": {},
        "modules": {},
        "attributes": {},
    }
    contracts = request.get("contracts") or []
    if contracts:
        try:
            yaml = importlib.import_module("yaml")  # PyYAML comes with omnibase-core
            models = importlib.import_module("omnibase_core.models.contracts")
        except Exception as error:
            answer["environment_error"] = (
                "omnibase-core's contract models cannot be imported by %s (%s: %s)"
                % (sys.executable, type(error).__name__, error)
            )
            return answer
        normalize = _normalizer()
        for item in contracts:
            answer["contracts"][item["id"]] = _load_contract(models, yaml, normalize, item["text"])
    for name in request.get("modules") or []:
        answer["modules"][name] = _find_module(name)
    for module, name in request.get("attributes") or []:
        answer["attributes"][module + ":" + name] = _has_attribute(module, name)
    return answer


def prepare() -> None:
    """Import what a contract question needs (the framework's contract models and its
    normalizer) ahead of the first one; a problem is left for that question's answer."""
    try:
        importlib.import_module("omnibase_core.models.contracts")
        _normalizer()
    except Exception:
        pass  # the request's answer names the problem


def _serve() -> None:
    """One request per line on stdin, one answer per line (after SENTINEL) on stdout, until stdin ends.

    The contract models are imported first, while the asking process does other work."""
    out = sys.stdout
    sys.stdout = sys.stderr  # whatever the framework prints stays off the answers
    prepare()
    for line in sys.stdin:
        answer = probe(json.loads(line))
        out.write(SENTINEL + json.dumps(answer) + "\n")
        out.flush()


def _main() -> None:
    # `python -c` puts the current folder first on sys.path; the target
    # environment is what was asked about, not whatever sits in that folder.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    if sys.argv[1:] == ["--serve"]:
        _serve()
        return
    request = json.loads(sys.stdin.read())
    answer = probe(request)
    sys.stdout.flush()
    sys.stdout.write("\n" + SENTINEL + "\n" + json.dumps(answer) + "\n")


if __name__ == "__main__":
    _main()
