"""Add what a ClassPlan wants and a node class lacks — matched by name, never
deleting or reordering what is there.

- imports by (module, name) (see :mod:`codegen_ast.upgrade.imports`);
- module constants and functions by the name they bind, inserted just above
  the node class;
- ``__init__`` statements by their target (``self._started``), appended to the
  existing ``__init__`` (or a new one, as generated code has it);
- methods by name (also those a local base class of the module defines),
  appended to the class body;
- health checks by method name, appended to the list ``get_health_checks``
  returns when it returns a list display;
- mixins by name, appended to the bases; process-path decorators by name.

Only inserted nodes are formatted (black, via :mod:`codegen_ast.upgrade.formatting`);
every other byte of the file stays as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from codegen_ast import builders as b
from codegen_ast.builders.definitions import Param
from codegen_ast.errors import CodegenError
from codegen_ast.patterns.contribution import Contribution
from codegen_ast.target import CONTAINER
from codegen_ast.upgrade.defined import defined_names
from codegen_ast.upgrade.formatting import Formatter, PhaseTimer, code_of
from codegen_ast.upgrade.import_block import add_imports
from codegen_ast.upgrade.imports import (
    bound_names,
    conflicting_imports,
    missing_imports,
    postponed_annotations,
    typing_only_names,
)
from codegen_ast.upgrade.nodes import class_bases, methods, placeholder


class ImportConflict(CodegenError):
    """An import the inserted code needs would change what the user's code refers to."""


@dataclass
class ClassPlan:
    """Everything an upgrade wants one node class to have."""

    class_name: str
    contributions: list[Contribution]
    health_checks: list[str] = field(default_factory=list)  # to append to an existing get_health_checks
    bases: list[cst.BaseExpression] = field(default_factory=list)  # mixins to append when missing
    decorators: dict[str, list[str]] = field(default_factory=dict)  # entry method -> decorators
    rename: str | None = None
    placeholders: dict[str, cst.BaseStatement] = field(default_factory=dict)  # method -> replacement
    after_class: list[cst.BaseStatement] = field(default_factory=list)


@dataclass
class MergeLog:
    added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _defined_name(statement: cst.BaseStatement) -> str | None:
    names = defined_names(statement)
    return names[0] if names else None


def _assigned_target(statement: cst.BaseStatement) -> str | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign):
            return code_of(small.targets[0].target)
        if isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            return code_of(small.target)
    return None


class _Targets(cst.CSTVisitor):
    def __init__(self) -> None:
        self.targets: set[str] = set()

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.targets.add(code_of(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.targets.add(code_of(node.target))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's assignments are not the instance's


class _RenameContainer(cst.CSTTransformer):
    """Inserted ``__init__`` statements say ``container``; the user's ``__init__``
    may call its parameter something else, or have none (then ``self.container``)."""

    def __init__(self, replacement: cst.BaseExpression) -> None:
        self.replacement = replacement

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self.replacement if original.value == "container" else updated


def _parameter_names(function: cst.FunctionDef) -> list[str]:
    params = function.params
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    if isinstance(params.star_arg, cst.Param):
        names.append("*" + params.star_arg.name.value)
    if params.star_kwarg is not None:
        names.append("**" + params.star_kwarg.name.value)
    return names


def _blank(count: int) -> list[cst.EmptyLine]:
    return [cst.EmptyLine(indent=False) for _ in range(count)]


class _ClassMerger:
    def __init__(self, module: cst.Module, plan: ClassPlan, log: MergeLog, formatter: Formatter) -> None:
        self.module = module
        self.plan = plan
        self.log = log
        self.formatter = formatter  # also collects the names inserted code reads

    # --- the class ------------------------------------------------------------

    def inherited_methods(self, node: cst.ClassDef) -> dict[str, cst.FunctionDef]:
        classes = {item.name.value: item for item in self.module.body if isinstance(item, cst.ClassDef)}
        found: dict[str, cst.FunctionDef] = {}
        pending = [name for name in class_bases(node) if name in classes]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            found = methods(classes[name]) | found
            pending += [parent for parent in class_bases(classes[name]) if parent in classes]
        return found

    def merge(self, node: cst.ClassDef) -> cst.ClassDef:
        if not isinstance(node.body, cst.IndentedBlock):
            self.log.notes.append(f"{node.name.value}: a one-line class body is left as it is")
            return node
        plan = self.plan
        body = list(node.body.body)
        own = methods(node)
        known = self.inherited_methods(node) | own
        class_level = {name for item in body for name in defined_names(item)}

        body = self._placeholders(body)
        body = self._decorate(body)
        body = self._health_checks(body, own)
        body = self._init(body, own, node.name.value)

        new_methods = []
        for contribution in plan.contributions:
            for method in contribution.methods:
                name = method.name.value
                if name in known or name in class_level:
                    self._check_signature(node.name.value, known.get(name), method)
                    continue
                known[name] = method
                new_methods.append(_with_gap(self.formatter.method(method), 1))
                self.log.added.append(f"method {name}()")
        body += new_methods

        updated = node.with_changes(body=node.body.with_changes(body=body))
        updated = self._bases(updated)
        if plan.rename and plan.rename != node.name.value:
            updated = updated.with_changes(name=b.name(plan.rename))
            self.log.added.append(f"renamed class {node.name.value} -> {plan.rename}")
        return updated

    def _check_signature(self, class_name: str, existing: cst.FunctionDef | None, wanted: cst.FunctionDef) -> None:
        if existing is None:
            return
        have, want = _parameter_names(existing), _parameter_names(wanted)
        if have != want:
            self.log.notes.append(
                f"{class_name}.{wanted.name.value}({', '.join(have)}) is kept as written; the upgrade's "
                f"code calls it as {wanted.name.value}({', '.join(want)})"
            )

    def _bases(self, node: cst.ClassDef) -> cst.ClassDef:
        present = set(class_bases(node))
        added = [base for base in self.plan.bases if code_of(base) not in present]
        if not added:
            return node
        bases = [*node.bases, *(cst.Arg(self.formatter.expression(base)) for base in added)]
        self.log.added += [f"base {code_of(base)}" for base in added]
        changes: dict[str, object] = {"bases": bases}
        if not node.bases:
            changes |= {"lpar": cst.LeftParen(), "rpar": cst.RightParen()}
        return node.with_changes(**changes)

    def _placeholders(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        result = []
        for item in body:
            replacement = self.plan.placeholders.get(item.name.value) if isinstance(item, cst.FunctionDef) else None
            if isinstance(item, cst.FunctionDef) and replacement is not None:
                stub = placeholder(item)
                if stub is not None and isinstance(item.body, cst.IndentedBlock):
                    new = self.formatter.body_statement(replacement).with_changes(leading_lines=stub.leading_lines)
                    statements = [new if s is stub else s for s in item.body.body]
                    item = item.with_changes(body=item.body.with_changes(body=statements))
                    self.log.added.append(f"{item.name.value}(): the NotImplementedError placeholder now calls the handler")
            result.append(item)
        return result

    def _decorate(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """The process-path decorators, innermost (right above the ``def``)."""
        result = []
        for item in body:
            wanted = self.plan.decorators.get(item.name.value, []) if isinstance(item, cst.FunctionDef) else []
            if isinstance(item, cst.FunctionDef) and wanted:
                present = {code_of(d.decorator) for d in item.decorators}
                names = [name for name in wanted if name not in present]
                if names:
                    item = item.with_changes(decorators=[*item.decorators, *(cst.Decorator(b.name(n)) for n in names)])
                    self.log.added += [f"@{name} on {item.name.value}()" for name in names]
            result.append(item)
        return result

    def _health_checks(self, body: list[cst.BaseStatement], own: dict[str, cst.FunctionDef]) -> list[cst.BaseStatement]:
        existing = own.get("get_health_checks")
        if existing is None or not self.plan.health_checks:
            return body
        missing = self.plan.health_checks
        updated = _append_checks(existing, missing)
        if updated is None:
            self.log.notes.append(
                "get_health_checks() does not end in `return [...]`: add "
                + ", ".join(f"self.{check}" for check in missing)
                + " to the checks it returns"
            )
            return body
        self.log.added += [f"get_health_checks() returns self.{check}" for check in missing]
        return [updated if item is existing else item for item in body]

    def _init(self, body: list[cst.BaseStatement], own: dict[str, cst.FunctionDef], class_name: str) -> list[cst.BaseStatement]:
        wanted = [s for c in self.plan.contributions for s in c.init_statements]
        if not wanted:
            return body
        init = own.get("__init__")
        targets = _Targets()
        if init is not None:
            init.body.visit(targets)
        new = [s for s in wanted if _assigned_target(s) not in targets.targets]
        if not new:
            return body
        if init is not None and not isinstance(init.body, cst.IndentedBlock):
            self.log.notes.append(f"{class_name}.__init__ is a one-line body: add {', '.join(map(str, map(_assigned_target, new)))} yourself")
            return body
        names = _parameter_names(init)[1:] if init is not None else ["container"]
        if names and not names[0].startswith("*") and names[0] != "container":
            new = [s.visit(_RenameContainer(b.name(names[0]))) for s in new]  # type: ignore[misc]
        elif not names or names[0].startswith("*"):
            new = [s.visit(_RenameContainer(b.dotted("self.container"))) for s in new]  # type: ignore[misc]
        formatted = [self.formatter.body_statement(s) for s in new]
        self.log.added += [f"__init__ sets {_assigned_target(s)}" for s in new]
        if init is not None:
            assert isinstance(init.body, cst.IndentedBlock)
            updated = init.with_changes(body=init.body.with_changes(body=[*init.body.body, *formatted]))
            return [updated if item is init else item for item in body]
        created = b.method(
            "__init__",
            [Param("container", CONTAINER.name)],
            [b.do(b.call(b.attr(b.call("super"), "__init__"), "container")), *new],
            returns="None",
            doc="Set up state only: no network I/O happens before initialize().",
        )
        new_init = self.formatter.method(created)
        self.log.added.append("method __init__()")
        first_method = next((i for i, item in enumerate(body) if isinstance(item, cst.FunctionDef)), len(body))
        following = body[first_method] if first_method < len(body) else None
        if following is not None and not any(
            line.comment is None for line in getattr(following, "leading_lines", ())
        ):  # the method that came first starts right below: keep a blank line between them
            assert isinstance(new_init.body, cst.IndentedBlock)
            new_init = new_init.with_changes(body=new_init.body.with_changes(footer=_blank(1)))
        return [*body[:first_method], _with_gap(new_init, 1 if first_method else 0), *body[first_method:]]


def _append_checks(function: cst.FunctionDef, checks: Sequence[str]) -> cst.FunctionDef | None:
    """Add ``self.<check>`` to the list of the final ``return [...]``, in the
    style of its elements (``("name", self.check)`` tuples in the seed's style)."""
    if not isinstance(function.body, cst.IndentedBlock) or not function.body.body:
        return None
    last = function.body.body[-1]
    if not (
        isinstance(last, cst.SimpleStatementLine)
        and len(last.body) == 1
        and isinstance(last.body[0], cst.Return)
        and isinstance(last.body[0].value, cst.List)
    ):
        return None
    display = last.body[0].value
    elements = list(display.elements)
    tuples = bool(elements) and all(isinstance(e.value, cst.Tuple) for e in elements)

    def element(check: str) -> cst.BaseExpression:
        reference = b.dotted(f"self.{check}")
        if not tuples:
            return reference
        label = check.removeprefix("_check_").removesuffix("_health") or check
        return b.tuple_(b.string_literal(label), reference)

    added = [cst.Element(element(check)) for check in checks]
    if elements and isinstance(display.lbracket.whitespace_after, cst.ParenthesizedWhitespace):
        grown = _one_per_line(display, added)
    else:
        grown = display.with_changes(elements=[*elements, *added])
    statement = last.with_changes(body=[last.body[0].with_changes(value=grown)])
    return function.with_changes(body=function.body.with_changes(body=[*function.body.body[:-1], statement]))


def _one_per_line(display: cst.List, added: list[cst.Element]) -> cst.List:
    """Append ``added`` to a list written one element per line. What follows
    the last element (a ``  # why`` comment, ``# TODO`` lines: libcst keeps
    them before the closing bracket) stays right after it; the new elements
    come next, then the closing bracket on its own line as before."""
    opening = display.lbracket.whitespace_after
    closing = display.rbracket.whitespace_before
    assert isinstance(opening, cst.ParenthesizedWhitespace)
    separator = cst.ParenthesizedWhitespace(indent=opening.indent, last_line=opening.last_line)
    if isinstance(closing, cst.ParenthesizedWhitespace):
        after_last = closing.with_changes(indent=separator.indent, last_line=separator.last_line)
        before_bracket: cst.BaseParenthesizableWhitespace = cst.ParenthesizedWhitespace(
            indent=closing.indent, last_line=closing.last_line
        )
    else:
        after_last, before_bracket = separator, closing
    elements = list(display.elements)
    last = elements[-1]
    trailing_comma = isinstance(last.comma, cst.Comma)
    kept = last.comma.with_changes(whitespace_after=after_last) if isinstance(last.comma, cst.Comma) else cst.Comma(whitespace_after=after_last)
    joined = [*elements[:-1], last.with_changes(comma=kept)]
    for index, element in enumerate(added):
        if index < len(added) - 1:
            joined.append(element.with_changes(comma=cst.Comma(whitespace_after=separator)))
        else:
            joined.append(element.with_changes(comma=cst.Comma() if trailing_comma else cst.MaybeSentinel.DEFAULT))
    return display.with_changes(elements=joined, rbracket=display.rbracket.with_changes(whitespace_before=before_bracket))


def merge_class(
    module: cst.Module, plan: ClassPlan, timer: PhaseTimer, path: Path | None = None
) -> tuple[cst.Module, MergeLog]:
    """``module`` with everything ``plan`` wants and ``plan.class_name`` lacks."""
    log = MergeLog()
    index = next(
        i for i, item in enumerate(module.body) if isinstance(item, cst.ClassDef) and item.name.value == plan.class_name
    )
    formatter = Formatter(timer)
    merger = _ClassMerger(module, plan, log, formatter)
    node = module.body[index]
    assert isinstance(node, cst.ClassDef)
    new_class = merger.merge(node)

    bound = bound_names(module)
    constants: list[cst.BaseStatement] = []
    for contribution in plan.contributions:
        for statement in contribution.module_statements:
            name = _defined_name(statement)
            if name is None or name in bound:
                continue
            bound.add(name)
            constants.append(formatter.module_statement(statement))
            log.added.append(f"module {'function' if isinstance(statement, cst.FunctionDef) else 'constant'} {name}")
    constants = _spaced(constants)
    if plan.rename:
        bound.discard(plan.class_name)
    after = [s for s in plan.after_class if _defined_name(s) not in bound]
    after = [_with_gap(formatter.module_statement(s), 2) for s in after]
    log.added += [f"module alias {_defined_name(s)}" for s in after]

    if not log.added:
        return module, log  # nothing was missing: the very same tree
    body = [*module.body[:index], *constants, new_class, *after, *module.body[index + 1 :]]
    used = formatter.names
    updated = module.with_changes(body=body)
    # a name imported under `if TYPE_CHECKING:` serves annotations, which are never evaluated
    annotation_only = typing_only_names(updated) - formatter.runtime if postponed_annotations(updated) else set()
    wanted = {
        (module_name, item)
        for contribution in plan.contributions
        for module_name, item in contribution.imports
        if (item or module_name.split(".")[0]) in used and item not in annotation_only
    }
    missing = missing_imports(updated, wanted)
    conflicts = conflicting_imports(updated, missing)
    if conflicts:
        raise ImportConflict(f"{plan.class_name}: {conflicts[0]}")
    if missing:
        updated = add_imports(updated, missing, path)
        log.added += [f"import {item or module_name}" + (f" from {module_name}" if item else "") for module_name, item in missing]
    return updated, log


def _with_gap(statement: cst.BaseStatement, gap: int) -> cst.BaseStatement:
    """``statement`` after ``gap`` blank lines (and the comment lines it carries)."""
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    comments = [line for line in lines if line.comment is not None]
    return statement.with_changes(leading_lines=[*_blank(gap), *comments])


def _spaced(statements: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Blank lines as black puts them: two around functions, none between constants."""
    result = []
    previous_def = True  # the block follows imports or other code: open with a gap
    for index, statement in enumerate(statements):
        is_def = isinstance(statement, (cst.FunctionDef, cst.ClassDef))
        gap = 2 if is_def or (previous_def and index > 0) else (1 if index == 0 else 0)
        result.append(_with_gap(statement, gap))
        previous_def = is_def
    return result
