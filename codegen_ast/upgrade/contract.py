"""Make the ``onex new node`` stub's contract.yaml load with omnibase-core's own model.

The stub's contract lacks keys the framework's ``ModelContract<Kind>``
(0.47.57) requires (``description``). The runtime's own keys it carries
(``handler``, ``terminal_event``, ``descriptor``, ``event_bus``) stay: the
framework's normalizer sets them aside before its typed model judges the
contract, as ``codegen-ast validate`` does. Part of scaffold adoption, this
edits the text — every other line stays as it was:

- a missing ``description`` is added after ``name`` (the node's docstring);
- a missing ``<section>.version`` is added as the section's first key
  (``{major: 1, minor: 0, patch: 0}``);
- Compute and Orchestrator contracts get the operation time budget
  (``performance.single_operation_max_ms``) generated contracts have;
- a key the model forbids (a framework without the normalizer judges the keys
  as written) is kept as a comment under a line saying why.

The framework itself judges the result: the contract is loaded in the target
Python (as ``codegen-ast validate`` does) before and after, and problems this
cannot fix are reported, never guessed at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from codegen_ast.target import find_kind
from codegen_ast.validate.contracts import ContractProblem, from_answer
from codegen_ast.validate.target_env import TargetPython

_SEMVER = "{major: 1, minor: 0, patch: 0}"
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_MAX_ROUNDS = 3


def contract_problems(path: Path, text: str, target: TargetPython) -> tuple[list[ContractProblem], str | None]:
    """The framework's complaints about ``text``, and the contract's node kind."""
    answer = target.ask({"contracts": [{"id": str(path), "text": text}]})
    loaded = from_answer(path, text, answer["contracts"][str(path)])
    return loaded.errors, loaded.kind


def _top_keys(lines: list[str]) -> dict[str, int]:
    return {m.group(1): index for index, line in enumerate(lines) if (m := _TOP_KEY.match(line))}


def _block_end(lines: list[str], start: int) -> int:
    """The index after the block of the top-level key at ``start``."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t" or lines[end].startswith("-")):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # trailing blank lines belong to the gap, not the block
    return end


def fix_contract(
    text: str, problems: list[ContractProblem], description: str, kind: str
) -> tuple[str, list[str], list[ContractProblem]]:
    """``text`` with the fixable problems fixed; what was done; what was not."""
    model = f"ModelContract{kind.capitalize()}"
    lines = text.splitlines(keepends=True)
    done: list[str] = []
    left: list[ContractProblem] = []
    edits: list[tuple[int, int, list[str]]] = []  # (start, end, replacement lines), applied bottom-up
    keys = _top_keys(lines)
    for problem in problems:
        parts = problem.key.split(".") if problem.key else []
        if problem.kind == "missing" and parts == ["description"]:
            after = keys.get("name", -1) + 1
            edits.append((after, after, [f"description: {json.dumps(description)}\n"]))
            done.append("added description")
        elif problem.kind == "missing" and len(parts) == 2 and parts[1] == "version" and parts[0] in keys:
            start = keys[parts[0]]
            child = next((line for line in lines[start + 1 : _block_end(lines, start)] if line.strip()), "  x")
            indent = child[: len(child) - len(child.lstrip())] or "  "
            edits.append((start + 1, start + 1, [f"{indent}version: {_SEMVER}\n"]))
            done.append(f"added {problem.key}")
        elif problem.kind == "extra_forbidden" and len(parts) == 1 and parts[0] in keys:
            start = keys[parts[0]]
            end = _block_end(lines, start)
            why = f"# codegen-ast upgrade: omnibase-core's {model} does not accept {parts[0]!r}; kept as a comment\n"
            commented = [f"# {line}" if line.strip() else line for line in lines[start:end]]
            edits.append((start, end, [why, *commented]))
            done.append(f"commented out {parts[0]}")
        elif "single_operation_max_ms" in problem.message and (known := find_kind(kind)) and known.operation_budget_ms:
            budget = f"single_operation_max_ms: {known.operation_budget_ms}\n"
            if "performance" in keys:
                start = keys["performance"]
                edits.append((start + 1, start + 1, [f"  {budget}"]))
            else:
                ending = "" if not lines or lines[-1].endswith("\n") else "\n"
                edits.append((len(lines), len(lines), [f"{ending}performance:\n", f"  {budget}"]))
            done.append("added performance.single_operation_max_ms")
        else:
            left.append(problem)
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[start:end] = replacement
    return "".join(lines), done, left


def adopt_contract(path: Path, description: str, target: TargetPython) -> tuple[str, list[str], list[str]]:
    """The adopted text of the contract at ``path``, what changed, and what is left."""
    original = path.read_text(encoding="utf-8")
    text = original
    done: list[str] = []
    problems: list[ContractProblem] = []
    for _ in range(_MAX_ROUNDS):
        problems, kind = contract_problems(path, text, target)
        if not problems:
            break
        text, fixed, problems = fix_contract(text, problems, description, kind or "effect")
        done += fixed
        if not fixed:
            break
    left = [f"{path.name}:{p.line}: {p.key + ': ' if p.key else ''}{p.message}" for p in problems]
    return text, done, left
