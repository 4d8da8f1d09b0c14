"""Property: over generated variations of node classes — extra methods,
comments and statements in random places, different bases — the upgrade keeps
every original module- and class-level statement and every comment, compiles,
and a second run changes nothing.

The statements are compared with Python's own parser (``ast``), independently
of the upgrade's own libcst-based safety net.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen_ast.upgrade import upgrade

BASES = {
    "NodeEffect": "from omnibase_core.nodes import NodeEffect",
    "ModelServiceEffect": "from omnibase_core.nodes.node_service_effect import ModelServiceEffect",
    "NodeCompute": "from omnibase_core.nodes import NodeCompute",
    "ModelServiceOrchestrator": "from omnibase_core.nodes.node_service_orchestrator import ModelServiceOrchestrator",
}
LIBRARIES = ["", "import asyncpg  # type: ignore[import-untyped]", "import httpx", "import redis.asyncio"]
WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "orders", "stock", "retry", "cache"])
COMMENTS = WORDS.map(lambda word: f"# note about {word}")


@st.composite
def module_items(draw: st.DrawFn) -> list[str]:
    items = []
    for index in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["constant", "function", "comment"]))
        word = draw(WORDS)
        if kind == "constant":
            items.append(f"{word.upper()}_{index} = {draw(st.integers(0, 99))}")
        elif kind == "function":
            items.append(f"def helper_{word}_{index}(value: int) -> int:\n    return value + {index}")
        else:
            items.append(draw(COMMENTS))
    return items


@st.composite
def class_items(draw: st.DrawFn) -> list[str]:
    items = []
    for index in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["method", "async", "attribute", "comment", "static", "init", "health"]))
        word = draw(WORDS)
        if kind == "method":
            items.append(f"def {word}_{index}(self) -> str:\n    return {word!r}  # {word}")
        elif kind == "async":
            items.append(f"async def fetch_{word}_{index}(self, key: str) -> str:\n    return key")
        elif kind == "attribute":
            items.append(f"limit_{index}: int = {index}")
        elif kind == "comment":
            items.append(draw(COMMENTS))
        elif kind == "static":
            items.append(f"@staticmethod\ndef make_{word}_{index}() -> int:\n    return {index}")
        elif kind == "init" and not any("def __init__" in item for item in items):
            items.append(
                "def __init__(self, container: ModelONEXContainer) -> None:\n"
                f"    super().__init__(container)\n    self.{word} = {index}  # set up"
            )
        elif kind == "health" and not any("get_health_checks" in item for item in items):
            items.append("def get_health_checks(self):\n    return [\n        self.alpha_check,  # first\n    ]")
    return items


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


@st.composite
def node_modules(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(sorted(BASES)))
    library = draw(st.sampled_from(LIBRARIES))
    name = draw(st.sampled_from(["Orders", "Stock", "FraudScore", "HTTPGateway"]))
    kind = "Compute" if "Compute" in base else ("Orchestrator" if "Orchestrator" in base else "Effect")
    body = draw(class_items())
    process = "async def process(self, input_data: object) -> object:\n    return input_data  # echo"
    position = draw(st.integers(0, len(body)))
    body.insert(position, process)
    if draw(st.booleans()):
        body.insert(0, f'"""The {name} node."""')
    header = [
        f'"""Module of Node{name}{kind}."""',
        "from __future__ import annotations",
        "from omnibase_core.models.container.model_onex_container import ModelONEXContainer",
        BASES[base],
        *([library] if library else []),
    ]
    before = draw(module_items())
    after = draw(module_items())
    parts = [*header, "", *before, "", f"class Node{name}{kind}({base}):  # type: ignore[misc]", indent("\n\n".join(body)), "", *after]
    return "\n".join(parts) + "\n"


def comments(text: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def _function_kept(old: ast.FunctionDef | ast.AsyncFunctionDef, new: ast.stmt) -> bool:
    if type(new) is not type(old) or new.name != old.name:  # type: ignore[attr-defined]
        return False
    assert isinstance(new, (ast.FunctionDef, ast.AsyncFunctionDef))
    if ast.dump(old.args) != ast.dump(new.args) or ast.dump(old.returns or ast.Pass()) != ast.dump(new.returns or ast.Pass()):
        return False
    # decorators and statements may be added (process gets decorators, __init__
    # statements), and a returned list may grow (get_health_checks)
    if not _in_order([ast.dump(d) for d in old.decorator_list], [ast.dump(d) for d in new.decorator_list]):
        return False
    position = 0
    for statement in old.body:
        while position < len(new.body) and not (
            ast.dump(statement) == ast.dump(new.body[position]) or _list_grew(statement, new.body[position])
        ):
            position += 1
        if position == len(new.body):
            return False
        position += 1
    return True


def _list_grew(old: ast.stmt, new: ast.stmt) -> bool:
    if not (isinstance(old, ast.Return) and isinstance(new, ast.Return)):
        return False
    if not (isinstance(old.value, ast.List) and isinstance(new.value, ast.List)):
        return False
    return _in_order([ast.dump(e) for e in old.value.elts], [ast.dump(e) for e in new.value.elts])


def _in_order(old: list[str], new: list[str]) -> bool:
    position = 0
    for item in old:
        try:
            position = new.index(item, position) + 1
        except ValueError:
            return False
    return True


def statements_kept(original: str, upgraded: str) -> bool:
    """Every original top-level statement, and every statement of every class
    body, is in the upgraded module, in order (a class may gain bases and members,
    a function decorators and statements)."""
    old_module, new_module = ast.parse(original), ast.parse(upgraded)
    position = 0
    for old in old_module.body:
        while position < len(new_module.body) and not _kept(old, new_module.body[position]):
            position += 1
        if position == len(new_module.body):
            return False
        position += 1
    return True


def _kept(old: ast.stmt, new: ast.stmt) -> bool:
    if ast.dump(old) == ast.dump(new):
        return True
    if isinstance(old, ast.ClassDef) and isinstance(new, ast.ClassDef) and old.name == new.name:
        bases_kept = _in_order([ast.dump(b) for b in old.bases], [ast.dump(b) for b in new.bases])
        position = 0
        for item in old.body:
            while position < len(new.body) and not _kept(item, new.body[position]):
                position += 1
            if position == len(new.body):
                return False
            position += 1
        return bases_kept
    if isinstance(old, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _function_kept(old, new)
    return False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node_modules())
def test_upgrade_keeps_every_statement_and_comment_and_is_idempotent(source: str) -> None:
    compile(source, "<generated>", "exec")
    result = upgrade(source)
    assert result.error is None, result.error
    assert result.changed
    compile(result.source, "<upgraded>", "exec")
    assert statements_kept(source, result.source)
    assert not comments(source) - comments(result.source)
    again = upgrade(result.source)
    assert again.error is None and again.source == result.source


def test_the_property_check_itself_notices_a_lost_statement() -> None:
    source = "X = 1\n\nclass A:\n    def f(self) -> int:\n        return 1\n"
    assert statements_kept(source, source.replace("X = 1\n", "X = 1\nY = 2\n"))
    assert not statements_kept(source, source.replace("X = 1\n", ""))
    assert not statements_kept(source, source.replace("return 1", "return 2"))
    listed = "class A:\n    def get_health_checks(self):\n        return [self.a]\n"
    assert statements_kept(listed, listed.replace("[self.a]", "[self.a, self.b]"))
    assert not statements_kept(listed, listed.replace("[self.a]", "[self.b]"))
