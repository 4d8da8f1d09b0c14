"""Carry an edited operation handler of the imperative shape into the declarative one.

The imperative ``handlers/handler_<op>.py`` holds ``async def handle(self, request)``
(a reducer's also takes ``state``); the declarative one of the same path holds the
method that carries the operation out: ``run(self, request, resources)``,
``compute(...)`` when its answers are cached, ``fold(self, request, state)`` for a
folding reducer. When the user changed only that method's body, added imports or
added methods to the class, the edit is carried over: the body replaces the
declarative method's (the answer's ``operation_id=request.operation_id`` becomes
``operation=request.operation``, ``effect_type=request.effect_type`` is dropped:
the declarative answer has neither), the imports and methods follow. Anything else
(a changed signature, docstring or module statement) is not carried: the caller
stops as before. What is carried is checked by validating the whole package.
"""

from __future__ import annotations

import libcst as cst

from codegen_ast import builders as b

# the output fields of the imperative shape's models that the declarative answer has not
_RENAMED = {"operation_id": ("operation", "request.operation")}
_DROPPED = frozenset({"effect_type"})
# the declarative method that holds the operation, by preference
_TARGETS = ("compute", "fold", "run")


def _class(module: cst.Module) -> cst.ClassDef | None:
    return next((s for s in module.body if isinstance(s, cst.ClassDef)), None)


def _methods(cls: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    return {s.name.value: s for s in cls.body.body if isinstance(s, cst.FunctionDef)}


def _params(method: cst.FunctionDef) -> list[str]:
    return [p.name.value for p in method.params.params][1:]  # without self


def _same(one: cst.CSTNode, other: cst.CSTNode) -> bool:
    """The same code, blank lines aside (comments count: they are edits too)."""
    def text(node: cst.CSTNode) -> str:
        code = node.code if isinstance(node, cst.Module) else cst.Module(body=[]).code_for_node(node)
        return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())
    return text(one) == text(other)


def _imports(module: cst.Module) -> list[cst.SimpleStatementLine]:
    return [s for s in module.body if isinstance(s, cst.SimpleStatementLine)
            and any(isinstance(small, (cst.Import, cst.ImportFrom)) for small in s.body)]


class _Answers(cst.CSTTransformer):
    """``Model...Output(operation_id=..., effect_type=..., ...)`` as the declarative answer takes it."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not (isinstance(updated.func, cst.Name) and updated.func.value == self.answer):
            return updated
        arguments: list[cst.Arg] = []
        for argument in updated.args:
            keyword = argument.keyword.value if argument.keyword is not None else None
            if keyword in _DROPPED:
                continue
            if keyword in _RENAMED:
                name, value = _RENAMED[keyword]
                argument = argument.with_changes(keyword=b.name(name), value=b.dotted(value))
            arguments.append(argument)
        if arguments and not _commented(arguments[-1].comma):  # a comment after the comma is the user's
            arguments[-1] = arguments[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=arguments)


def _commented(comma: cst.Comma | cst.MaybeSentinel) -> bool:
    return isinstance(comma, cst.Comma) and "#" in cst.Module(body=[]).code_for_node(comma)


def carry_handler(original: str, edited: str, declarative: str) -> cst.Module | None:
    """``declarative`` (the new shape's handler module) with the user's edit of the
    imperative handler (``original`` as generated, ``edited`` on disk) carried in;
    None when the edit is not one that can be carried (see the module docstring)."""
    try:
        before, after, target = (cst.parse_module(text) for text in (original, edited, declarative))
    except cst.ParserSyntaxError:
        return None
    old_class, new_class, into = _class(before), _class(after), _class(target)
    if old_class is None or new_class is None or into is None or new_class.name.value != old_class.name.value:
        return None
    old_methods, new_methods, into_methods = _methods(old_class), _methods(new_class), _methods(into)
    handle = new_methods.get("handle")
    method = next((into_methods[name] for name in _TARGETS if name in into_methods), None)
    if handle is None or "handle" not in old_methods or method is None:
        return None
    old_handle = old_methods["handle"]
    same_signature = handle.params.deep_equals(old_handle.params) and (
        handle.returns is not None and old_handle.returns is not None and handle.returns.deep_equals(old_handle.returns))
    if not same_signature or not set(_params(handle)) <= set(_params(method)):
        return None
    added = [m for name, m in new_methods.items() if name not in old_methods and name not in into_methods]
    # what may differ: handle's body, methods added to the class, import statements added
    rest = [s for s in new_class.body.body if not (isinstance(s, cst.FunctionDef) and s in added)]
    expected = new_class.with_changes(body=new_class.body.with_changes(body=[
        s.with_changes(body=old_handle.body) if isinstance(s, cst.FunctionDef) and s.name.value == "handle"
        else s for s in rest]))
    kept_imports = [s for s in _imports(after) if not any(_same(s, o) for o in _imports(before))]
    others = [s for s in after.body if s is not new_class and s not in kept_imports]
    if after.with_changes(body=[]).code != before.with_changes(body=[]).code:  # comments above or below all code
        return None
    if not _same(expected, old_class) or not _same(*(
        cst.Module(body=[s for s in module if s is not cls]) for module, cls in ((others, new_class),
                                                                                  (before.body, old_class)))):
        return None
    answer = method.returns.annotation if method.returns is not None else None
    body = handle.body
    if isinstance(answer, cst.Name):
        body = body.visit(_Answers(answer.value))  # type: ignore[assignment]
    carried = method.with_changes(body=body)
    members = [carried if s is method else s for s in into.body.body] + added
    new_into = into.with_changes(body=into.body.with_changes(body=members))
    statements = [new_into if s is into else s for s in target.body]
    first_import = next((i for i, s in enumerate(statements) if s in _imports(target)), 0)
    statements[first_import:first_import] = kept_imports
    return target.with_changes(body=statements)
