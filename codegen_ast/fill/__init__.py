"""LLM fill: a model writes the operation handlers no declaration covers (seed plan 6.3).

Never trusted blindly: the answer is parsed as a method body and checked
structurally (``answer``), spliced into the handler's syntax tree (``splice``),
and kept only when the package passes the whole validation, mypy --strict
included, and its generated tests (``check``). Otherwise the generated default
stays and the reason is reported (``run``).
"""

from __future__ import annotations

from codegen_ast.fill.answer import AnswerRefused, Body, parse_body
from codegen_ast.fill.prompt import handler_prompt
from codegen_ast.fill.run import FillOutcome, FillReport, fill_package, open_handlers

__all__ = [
    "AnswerRefused",
    "Body",
    "FillOutcome",
    "FillReport",
    "fill_package",
    "handler_prompt",
    "open_handlers",
    "parse_body",
]
