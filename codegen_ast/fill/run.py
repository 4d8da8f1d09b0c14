"""``--fill llm``: a model writes the handler bodies no declaration covers, and
each one is kept only when the package passes the whole validation and its tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from codegen_ast.declarative.generate import build_declarative_modules
from codegen_ast.emit import emit
from codegen_ast.errors import CodegenError
from codegen_ast.files.handlers import build_handler
from codegen_ast.fill.answer import AnswerRefused, Body, parse_body
from codegen_ast.fill.check import check_candidates, test_files, without_hook_tests
from codegen_ast.fill.examples import project_examples
from codegen_ast.fill.prompt import handler_prompt
from codegen_ast.fill.shape import FillShape
from codegen_ast.fill.splice import splice_body
from codegen_ast.generate import GeneratedPackage, node_context
from codegen_ast.llm import LLMError, Provider
from codegen_ast.patterns.registry import build_declarative_contributions
from codegen_ast.spec import OperationSpec

KEPT = "the generated default stays"
WITH_TESTS = "passed the whole validation and the package's tests"


@dataclass(frozen=True)
class FillOutcome:
    operation: str
    status: Literal["accepted", "rejected"]
    reason: str
    model: str | None = None
    lines: int = 0

    def describe(self) -> str:
        if self.status == "accepted":
            caveat = "" if self.reason == WITH_TESTS else f": {self.reason}"
            return f"{self.operation}: accepted ({self.model}, {self.lines} lines){caveat}"
        return f"{self.operation}: rejected, {KEPT}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {"operation": self.operation, "status": self.status, "reason": self.reason,
                "model": self.model, "lines": self.lines}


@dataclass
class FillReport:
    outcomes: list[FillOutcome] = field(default_factory=list)

    @property
    def accepted(self) -> list[FillOutcome]:
        return [o for o in self.outcomes if o.status == "accepted"]

    @property
    def rejected(self) -> list[FillOutcome]:
        return [o for o in self.outcomes if o.status == "rejected"]

    def describe(self) -> list[str]:
        if not self.outcomes:
            return ["llm fill: every handler is covered by a declaration; nothing to ask"]
        return [f"llm fill: {len(self.accepted)} accepted, {len(self.rejected)} rejected"] + [
            "  " + outcome.describe() for outcome in self.outcomes
        ]

    def as_dict(self) -> list[dict[str, object]]:
        return [outcome.as_dict() for outcome in self.outcomes]


@dataclass(frozen=True)
class _Candidate:
    path: str
    text: str
    body: Body
    model: str


def package_shape(package: GeneratedPackage) -> FillShape:
    """The shape of ``package``: declarative when it needs onex_support beside it."""
    return FillShape(declarative=bool(package.beside))


def open_handlers(package: GeneratedPackage) -> list[OperationSpec]:
    """The operations whose handler is still the generated default (no declaration covers them)."""
    shape = package_shape(package)
    return [
        op for op in package.spec.effective_operations
        if shape.open_method(package.files.get(shape.handler_path(package.spec, op.name), "")) is not None
    ]


def passed(package: GeneratedPackage) -> str:
    """What an accepted body passed."""
    if test_files(package):
        return WITH_TESTS
    return "passed the whole validation (mypy --strict included); the package has no tests to run"


def fill_package(
    package: GeneratedPackage,
    provider: Provider,
    *,
    python: str | None = None,
    mypy_cache: str | Path | None = None,
    output_dir: Path | None = None,
) -> tuple[GeneratedPackage, FillReport]:
    """Ask ``provider`` for each open handler's body; return the package with the accepted ones.

    The manifest keeps the hashes of the generated defaults, so ``regenerate``
    treats an accepted body as an edit of the user's and keeps it.
    """
    report = FillReport()
    operations = open_handlers(package)
    if not operations:
        return package, report
    context = node_context(package.spec)
    shape = package_shape(package)
    examples = project_examples(package.files, output_dir, own=package.name, shape=shape)
    # the handler modules as generated, as trees: built again (declarative: the whole package's)
    built = build_declarative_modules(package.spec, context, build_declarative_contributions(context)) \
        if shape.declarative else {}
    candidates: dict[str, _Candidate] = {}
    for operation in operations:
        path = shape.handler_path(package.spec, operation.name)
        request = handler_prompt(context, operation, package.files, examples, shape)
        try:
            completion = provider.complete(request)
        except LLMError as error:
            report.outcomes.append(FillOutcome(operation.name, "rejected", f"the model could not be asked: {error}"))
            continue
        try:
            body = parse_body(completion.text)
            module = built[path] if shape.declarative else build_handler(context, operation)
            tree = splice_body(module, shape.handler_class(package.spec, operation.name), body,
                               model=completion.model, method=shape.open_method(package.files[path]) or "handle")
            text = emit(tree, check_stable=True)
        except AnswerRefused as refused:
            report.outcomes.append(FillOutcome(operation.name, "rejected", refused.reason, completion.model))
            continue
        except CodegenError as error:
            report.outcomes.append(FillOutcome(operation.name, "rejected", f"black cannot format it: {error}", completion.model))
            continue
        candidates[operation.name] = _Candidate(path, text, body, completion.model)

    while candidates:  # each round drops at least one candidate, or ends
        trial = _with_bodies(package, candidates)
        problems = check_candidates(trial, list(candidates), python=python, mypy_cache=mypy_cache)
        if not problems:
            break
        blamed = {p.operation for p in problems}
        for name in list(candidates):
            if name in blamed or None in blamed:
                reasons = [p.reason for p in problems if p.operation in (name, None)]
                report.outcomes.append(
                    FillOutcome(name, "rejected", "; ".join(reasons[:3]) + (f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else ""),
                                candidates.pop(name).model)
                )
    for name, candidate in candidates.items():
        report.outcomes.append(
            FillOutcome(name, "accepted", passed(package), candidate.model, candidate.body.lines)
        )
    order = [op.name for op in operations]
    report.outcomes.sort(key=lambda o: order.index(o.operation))
    return _with_bodies(package, candidates), report


def _with_bodies(package: GeneratedPackage, candidates: dict[str, _Candidate]) -> GeneratedPackage:
    """The package with the model's handlers, less the generated tests of the hooks they replace."""
    files = package.files | {c.path: c.text for c in candidates.values()}
    for path in test_files(package):
        files[path] = without_hook_tests(files[path], candidates)
    return replace(package, files=files)
