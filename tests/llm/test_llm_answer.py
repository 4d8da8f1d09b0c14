"""A model's answer becomes a method body only when it is one, structurally."""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import pytest

from codegen_ast.emit import emit
from codegen_ast.files.handlers import build_handler
from codegen_ast.fill import AnswerRefused, parse_body
from codegen_ast.fill.splice import splice_body
from codegen_ast.generate import node_context
from codegen_ast.spec import NodeSpec

GOOD = dedent(
    """\
    if request.amount is not None and request.amount <= 0:  # a refund is another operation
        raise ModelOnexError(
            message="amount must be positive",
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id=request.correlation_id,
        )
    return ModelOrdersOutput(operation_id=request.operation_id, effect_type=request.effect_type,
                             correlation_id=request.correlation_id, order_id=request.order_id,
                             amount=request.amount, accepted=True)
    """
)


def test_a_body_is_parsed_with_its_comments_and_free_names() -> None:
    body = parse_body(GOOD)
    assert body.lines == 9
    assert "ModelOnexError" in body.free_names and "EnumCoreErrorCode" in body.free_names
    assert "order_id" not in body.free_names  # attribute and keyword names are not reads
    assert "# a refund is another operation" in cst.Module(body=list(body.statements)).code


def test_a_fenced_indented_answer_with_a_docstring_is_unwrapped() -> None:
    answer = 'Here you go:\n```python\n        """Create it."""\n        total = 1\n        return total\n```\nDone.'
    body = parse_body(answer)
    assert cst.Module(body=list(body.statements)).code == "total = 1\nreturn total\n"
    assert body.free_names == frozenset()


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("return (", "not Python: line 1"),
        ("async def handle(self, request):\n    return 1\n", "defines a whole function (handle)"),
        ("class Helper:\n    x = 1\nreturn Helper()\n", "defines a class (Helper)"),
        ("global counter\nreturn counter\n", "uses global"),
        ("for x in range(3):\n    yield x\n", "yields"),
        ("import requests\nreturn requests.get('x')\n", "imports requests: only the standard library"),
        ("from .models import X\nreturn X()\n", "imports a relative module"),
        ("from os import *\nreturn 1\n", "imports * from os"),
        ("return eval(request.order_id)\n", "calls eval()"),
        ("x = input()\nreturn x\n", "calls input()"),
        ("pass\n", "placeholder"),
        ("...\n", "placeholder"),
        ("   \n", "the answer is empty"),
        ("x = 1\n" * 301, "301 lines"),
    ],
)
def test_what_is_not_a_body_is_refused_with_the_reason(answer: str, reason: str) -> None:
    with pytest.raises(AnswerRefused) as refused:
        parse_body(answer)
    assert reason in refused.value.reason


def test_standard_library_imports_and_nested_functions_are_a_body() -> None:
    body = parse_body("import math\nfrom datetime import UTC as utc\ndef double(x: int) -> int:\n    return 2 * x\n"
                      "return double(math.floor(1.5))\n")
    assert {"math", "utc", "double"}.isdisjoint(body.free_names)


def test_the_splice_replaces_the_body_and_imports_what_it_uses() -> None:
    spec = NodeSpec.model_validate(
        {"name": "orders", "node_type": "effect", "description": "Orders.", "operations": ["create_order"],
         "input_fields": [{"name": "order_id", "type": "str"}, {"name": "amount", "type": "float | None"}],
         "output_fields": [{"name": "order_id", "type": "str"}, {"name": "amount", "type": "float | None"},
                           {"name": "accepted", "type": "bool"}]}
    )
    context = node_context(spec)
    tree = splice_body(build_handler(context, spec.operations[0]), "HandlerCreateOrder", parse_body(GOOD), model="m-1")
    source = emit(tree, check_stable=True)
    assert "from omnibase_core.enums import EnumCoreErrorCode\nfrom omnibase_core.errors import ModelOnexError\n" in source
    assert '"""Written by a model (m-1), accepted after the whole validation' in source
    assert "Generated default" not in source
    assert "# a refund is another operation" in source
    compile(source, "handler.py", "exec")
