"""Every free-text field of a NodeSpec reaches the generated package unchanged.

Descriptions become docstrings, ``Field(description=...)`` values and the contract's
``description``; whatever the text, the package must generate black-stable, parse,
and give the text back exactly.

``domain`` and ``author`` are free text too, but the generator writes neither into
the package: ``domain`` only steers choices (the requests' EnumEffectType, and the
integrations whose trigger words it mentions), and ``author`` is not used at all.
So for those two the tests check that behaviour instead of a round trip.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from codegen_ast.files.contract import render_contract
from codegen_ast.generate import GeneratedPackage, build_modules, generate, node_context
from codegen_ast.spec import NodeSpec

HOSTILE = [
    '"""',
    "'''",
    "{}",
    "{{x}}",
    "\\",
    "\\N{BULLET}",
    "trailing backslash \\",
    "\n\n\n",
    "windows\r\nline",
    "\ttabbed\t",
    "  spaces at both ends  ",
    "nul\x00 and \x01\x1b\x7f controls",
    "line\u2028separator",
    "next\x85line",
    "héllo ☃ 日本語 𝄞",
    '"quote at the start',
    'quote at the end"',
    "'single at the start",
    "single at the end'",
    '"',
    "'",
    "mixed \"double\" and 'single'",
    "key: value # not a comment",
    "- not a list\n? not a key\n--- not a document",
    "\ufeffbyte order mark",
]

FIELD_TYPES = ["str", "int", "float | None", "list[str]", "dict[str, int]", "datetime", "uuid"]

EFFECT_TRIGGERS = {
    "DATABASE_OPERATION": {"postgres", "database", "db"},
    "EVENT_EMISSION": {"kafka", "events", "messaging"},
    "API_CALL": {"http", "api"},
}

free_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6)), max_size=6).map("".join),
)


@dataclass(frozen=True)
class FieldText:
    name: str
    type: str
    required: bool
    description: str


def fields(prefix: str) -> st.SearchStrategy[list[FieldText]]:
    one = st.tuples(st.sampled_from(FIELD_TYPES), st.booleans(), free_text)
    return st.lists(one, max_size=3).map(
        lambda items: [FieldText(f"{prefix}_{i}", *item) for i, item in enumerate(items)]
    )


@st.composite
def specs(draw: st.DrawFn) -> NodeSpec:
    operations = draw(st.lists(free_text, min_size=1, max_size=3))
    return make_spec(
        description=draw(free_text.filter(bool)),
        domain=draw(free_text),
        author=draw(free_text),
        operation_descriptions=operations,
        inputs=draw(fields("in")),
        outputs=draw(fields("out")),
    )


def make_spec(
    *,
    description: str,
    domain: str = "general",
    author: str = "",
    operation_descriptions: list[str],
    inputs: Sequence[FieldText] = (),
    outputs: Sequence[FieldText] = (),
) -> NodeSpec:
    return NodeSpec(
        name="text_probe",
        node_type="effect",
        description=description,
        domain=domain,
        author=author,
        operations=[
            {"name": f"operation_{i}", "description": text} for i, text in enumerate(operation_descriptions)
        ],
        input_fields=[vars(field) for field in inputs],
        output_fields=[vars(field) for field in outputs],
    )


def hostile_spec(offset: int) -> NodeSpec:
    """Each hostile string in a different field, rotated by ``offset``."""

    def pick(index: int) -> str:
        return HOSTILE[(offset + index) % len(HOSTILE)]

    return make_spec(
        description=pick(0),
        domain=pick(1),
        author=pick(2),
        operation_descriptions=[pick(3), pick(4)],
        inputs=[FieldText("in_0", "str", True, pick(5)), FieldText("in_1", "int", False, pick(6))],
        outputs=[FieldText("out_0", "float | None", True, pick(7))],
    )


# --- what the generated package says ---------------------------------------------


def class_named(tree: ast.Module, name: str) -> ast.ClassDef:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise AssertionError(f"no class {name} in the module")


def field_descriptions(source: str, class_name: str) -> dict[str, str | None]:
    """``name -> description=`` value of each annotated field (None when absent)."""
    found: dict[str, str | None] = {}
    for node in class_named(ast.parse(source), class_name).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            description = None
            if isinstance(node.value, ast.Call) and ast.unparse(node.value.func) == "Field":
                for keyword in node.value.keywords:
                    if keyword.arg == "description":
                        description = ast.literal_eval(keyword.value)
            found[node.target.id] = description
    return found


def effect_type_of(source: str, class_name: str) -> str:
    for node in class_named(ast.parse(source), class_name).body:
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "effect_type":
            assert node.value is not None
            return ast.unparse(node.value).removeprefix("EnumEffectType.")
    raise AssertionError("no effect_type default")


def assert_round_trip(spec: NodeSpec) -> GeneratedPackage:
    package = generate(spec, check_stable=True)  # raises unless every file is black-stable
    files = package.files

    for path, text in files.items():
        if path.endswith(".py"):
            compile(ast.parse(text, path), path, "exec")

    node_class = class_named(ast.parse(files["node.py"]), spec.class_name)
    assert ast.get_docstring(node_class, clean=False) == spec.description

    context = node_context(spec)
    for operation in spec.operations:
        handler_path = f"handlers/handler_{operation.name}.py"
        handler = class_named(ast.parse(files[handler_path]), context.handler_class(operation.name))
        expected = operation.description or f"The {operation.name} operation of {spec.class_name}."
        assert ast.get_docstring(handler, clean=False) == expected

    for kind, declared in (("input", spec.input_fields), ("output", spec.output_fields)):
        source = files[f"models/model_{spec.name}_{kind}.py"]
        described = field_descriptions(source, f"Model{spec.camel}{kind.capitalize()}")
        for field in declared:
            # An empty description is left out rather than written as "".
            assert described[field.name] == (field.description or None), (kind, field.name)

    contract = YAML(typ="safe", pure=True).load(io.StringIO(files["contract.yaml"]))
    assert contract["description"] == spec.description
    assert contract["name"] == spec.name
    return package


def expected_effect_type(domain: str) -> str:
    for member, triggers in EFFECT_TRIGGERS.items():
        if domain.lower() in triggers:
            return member
    return "API_CALL"


def assert_domain_and_author_handling(spec: NodeSpec) -> None:
    # domain: selects the effect type (the spec has no dependencies to override it).
    assert not spec.dependencies
    trees = build_modules(spec)
    effect = expected_effect_type(spec.domain)
    for kind in ("input", "output"):
        source = trees[f"models/model_{spec.name}_{kind}.py"].code
        assert effect_type_of(source, f"Model{spec.camel}{kind.capitalize()}") == effect
    # author: not written anywhere, so it cannot change a single byte of the package
    # (compared before formatting, which is the expensive step).
    without_author = spec.model_copy(update={"author": ""})
    assert {path: tree.code for path, tree in build_modules(without_author).items()} == {
        path: tree.code for path, tree in trees.items()
    }
    assert render_contract(node_context(without_author)) == render_contract(node_context(spec))


# --- tests --------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(specs())
# Eight slots per spec: these four offsets put every hostile string in some slot.
@example(hostile_spec(0))
@example(hostile_spec(8))
@example(hostile_spec(16))
@example(hostile_spec(24))
def test_free_text_round_trips(spec: NodeSpec) -> None:
    assert_round_trip(spec)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_description_in_docstring_and_contract(text: str) -> None:
    """The description is the one text written twice (docstring and YAML): check
    every hostile string there, without the cost of formatting the whole package."""
    spec = make_spec(description=text, operation_descriptions=[text])
    node_module = build_modules(spec)["node.py"]
    node_class = class_named(ast.parse(node_module.code), spec.class_name)
    assert ast.get_docstring(node_class, clean=False) == text
    contract = YAML(typ="safe", pure=True).load(io.StringIO(render_contract(node_context(spec))))
    assert contract["description"] == text


def test_empty_descriptions_fall_back_or_are_omitted() -> None:
    """An empty operation description gives a generic handler docstring; an empty
    field description writes no ``description=`` at all."""
    spec = make_spec(
        description="d",
        operation_descriptions=[""],
        inputs=[FieldText("in_0", "str", True, "")],
        outputs=[FieldText("out_0", "int", False, "")],
    )
    assert_round_trip(spec)


@settings(max_examples=40, deadline=None)
@given(domain=free_text, author=free_text)
@example(domain="DataBase", author='"""')
@example(domain="kafka", author="\\")
@example(domain="HTTP", author="\x00")
def test_domain_picks_the_effect_type_and_author_is_unused(domain: str, author: str) -> None:
    spec = make_spec(description="Probe.", domain=domain, author=author, operation_descriptions=["x"])
    assert_domain_and_author_handling(spec)
