"""Formulas become expressions that compute exactly what the formula says."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen_ast import builders as b
from codegen_ast import formulas
from tests.test_spec_errors import BadSpec, assert_nothing_written, assert_user_error, run_new

NAMES = ("a", "b", "c")


def _formula_text() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(NAMES),
        st.integers(min_value=0, max_value=9).map(str),
        st.sampled_from(["0.5", "2.0"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            inner.map(lambda x: f"-{x}"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            inner.map(lambda x: f"abs({x})"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


def _evaluate(code: str, namespace: dict[str, object]) -> object:
    try:
        return eval(code, {"__builtins__": {"min": min, "max": max, "abs": abs, "round": round}}, namespace)  # noqa: S307
    except ZeroDivisionError:
        return ZeroDivisionError


@settings(max_examples=300, deadline=None)
@given(text=_formula_text(), values=st.tuples(*(st.integers(min_value=-5, max_value=5) for _ in NAMES)))
def test_generated_expression_computes_what_the_formula_says(text: str, values: tuple[int, ...]) -> None:
    tree = formulas.parse(text)
    expression = formulas.to_cst(tree, lambda name: b.dotted(f"request.{name}"))
    generated = cst.Module(body=[]).code_for_node(expression)
    request = SimpleNamespace(**dict(zip(NAMES, values, strict=True)))
    expected = _evaluate(text, dict(zip(NAMES, values, strict=True)))
    actual = _evaluate(generated, {"request": request})
    if isinstance(expected, float) and isinstance(actual, float) and math.isnan(expected):
        assert math.isnan(actual)
    else:
        assert actual == expected, (text, generated)
        assert type(actual) is type(expected)
    if expected is not ZeroDivisionError:
        # an int field is only declared for what always gives an int (a float field takes ints too)
        if formulas.result_type(tree, dict.fromkeys(NAMES, "int")) == "int":
            assert isinstance(expected, int), text


@pytest.mark.parametrize(
    "text",
    ["a ** 2", "a.b", "__import__('os')", "a if b else c", "True + 1", "'x'", "min(a)", "a +", "f(a)", "[a]", "a < b"],
)
def test_anything_but_arithmetic_is_refused(text: str) -> None:
    with pytest.raises(formulas.FormulaError):
        formulas.parse(text)


HEAD = "name: quotes\ndescription: A node.\n"

BAD_FORMULAS = [
    BadSpec(
        "formula_reads_optional_field",
        HEAD + "node_type: compute\ninput_fields:\n  - {name: price, type: float, required: false}\n"
        "output_fields:\n  - {name: total, type: float, formula: price * 2}\n",
        7,
        "output_fields.0.formula",
        ("reads 'price', which is not a required, non-optional int or float input field", "declare it so"),
    ),
    BadSpec(
        "float_formula_into_int",
        HEAD + "node_type: compute\ninput_fields:\n  - {name: price, type: float}\n"
        "output_fields:\n  - {name: total, type: int, formula: price * 2}\n",
        7,
        "output_fields.0.formula",
        ("gives a float", "declare the field float or use round()"),
    ),
    BadSpec(
        "formula_on_effect",
        HEAD + "node_type: effect\ninput_fields:\n  - {name: price, type: float}\n"
        "output_fields:\n  - {name: total, type: float, formula: price * 2}\n",
        7,
        "output_fields.0.formula",
        ("formulas are for compute and reducer nodes",),
    ),
    BadSpec(
        "formula_not_arithmetic",
        HEAD + "node_type: compute\noutput_fields:\n  - {name: total, type: float, formula: \"__import__('os')\"}\n",
        5,
        "output_fields.0.formula",
        ("use numbers, field names",),
    ),
]


@pytest.mark.parametrize("bad", BAD_FORMULAS, ids=[bad.id for bad in BAD_FORMULAS])
def test_bad_formula_is_a_clear_error(bad: BadSpec, tmp_path: Path) -> None:
    spec_path = tmp_path / f"{bad.id}.yaml"
    spec_path.write_text(bad.text, encoding="utf-8")
    result = run_new(spec_path, "-o", tmp_path / "out")
    assert_user_error(result, spec_path, bad)
    assert_nothing_written(tmp_path / "out", existed=False)
