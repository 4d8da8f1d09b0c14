"""string_literal and docstring_literal hold any text exactly, and black leaves them alone.

User text reaches generated code only through these two builders (DESIGN.md), so
for every ``str`` the literal must parse, evaluate back to exactly that text, and be
a fixed point of black: formatting the module must not change a single character.
"""

from __future__ import annotations

import ast
import io
import tokenize

import black
from black.strings import str_width
import libcst as cst
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from codegen_ast.builders import docstring_literal, string_literal

# The default black mode and the one codegen_ast.emit formats generated files with.
MODES = {
    "default": black.Mode(),
    "py312": black.Mode(target_versions={black.TargetVersion.PY312}),
}
# With lines this long black has no layout reason to touch the module (it would
# otherwise wrap an over-long ``return "..."`` in parentheses), so any change it
# makes is a change to a literal.
WIDE = black.Mode(line_length=1_000_000, target_versions={black.TargetVersion.PY312})

HOSTILE = {
    "empty": "",
    "triple_double": '"""',
    "triple_single": "'''",
    "braces": "{}",
    "double_braces": "{{x}}",
    "backslash": "\\",
    "named_escape": "\\N{BULLET}",
    "trailing_backslash": "ends with a backslash \\",
    "two_trailing_backslashes": "two \\\\",
    "newline_run": "\n\n\n",
    "inner_newlines": "first line\n\n\nlast line",
    "crlf": "windows\r\nline\r\n",
    "lone_cr": "a\rb",
    "tabs": "\tindented\twith tabs\t",
    "leading_trailing_spaces": "  padded  ",
    "single_space": " ",
    "nul": "nul\x00byte",
    "control_chars": "\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
    "line_separator": "a\u2028b\u2029c",
    "next_line": "a\x85b",
    "non_ascii": "héllo wörld ☃ 日本語 𝄞 \U0001f600",
    "invisible_spaces": "\xa0nbsp\u3000ideographic\u200bzero-width\ufeff",
    "quote_at_start": '"starts with a quote',
    "quote_at_end": 'ends with a quote"',
    "single_quote_at_start": "'starts with a single quote",
    "single_quote_at_end": "ends with a single quote'",
    "lone_double_quote": '"',
    "lone_single_quote": "'",
    "two_double_quotes": '""',
    "four_double_quotes": '""""',
    "mixed_quotes": "it's \"quoted\" and 'single'",
    "more_double_than_single": 'say "hi" don\'t',
    "backslash_quote": '\\"',
    "backslash_then_quote_at_end": 'x\\"',
    "escape_lookalike": "\\n is not a newline, \\x41 is not A",
    "f_string_lookalike": "f'{x!r}' and {y}",
    "percent_format": "%s %(name)s %%",
    "long_line": "word " * 40,
    "long_with_quotes": '"' + "x" * 120 + '"',
}

HOSTILE_PIECES = [
    '"""',
    "'''",
    "{}",
    "{{x}}",
    "\\",
    "\\N{BULLET}",
    "\n\n\n",
    "\r\n",
    "\t",
    " ",
    "\x00",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\u2028",
    "\x85",
    "é",
    "☃",
    "𝄞",
    '"',
    "'",
    "\xa0",
    "\ufeff",
]

# Arbitrary text, and text built mostly from the pieces that break naive escaping
# (a trailing backslash, lone quotes at either end, runs of newlines, ...).
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=8)), max_size=12).map(
    "".join
)
any_text = st.one_of(st.text(), hostile_text, st.text(st.characters(codec="ascii")))


def module_with_literals(text: str) -> str:
    """Source of a module using ``text`` as an assignment value and as docstrings
    at every depth black treats differently (module, function, class, method)."""

    def doc() -> cst.SimpleStatementLine:
        return cst.SimpleStatementLine([cst.Expr(docstring_literal(text))])

    # The blank lines are black's own layout, so any change black makes is to a literal.
    blank = [cst.EmptyLine(indent=False)]
    method = cst.FunctionDef(
        cst.Name("method"),
        cst.Parameters([cst.Param(cst.Name("self"))]),
        cst.IndentedBlock([doc(), cst.SimpleStatementLine([cst.Return(string_literal(text))])]),
        leading_lines=blank,
    )
    assignment = cst.Assign([cst.AssignTarget(cst.Name("x"))], string_literal(text))
    module = cst.Module(
        body=[
            doc(),
            cst.SimpleStatementLine([assignment], leading_lines=blank),
            cst.FunctionDef(
                cst.Name("function"), cst.Parameters(), cst.IndentedBlock([doc()]), leading_lines=blank * 2
            ),
            cst.ClassDef(cst.Name("Class"), cst.IndentedBlock([doc(), method]), leading_lines=blank * 2),
        ]
    )
    return module.code


def assert_round_trip(text: str) -> None:
    source = module_with_literals(text)
    tree = ast.parse(source)

    assert ast.get_docstring(tree, clean=False) == text
    assignment = tree.body[1]
    assert isinstance(assignment, ast.Assign)
    assert ast.literal_eval(assignment.value) == text
    function, klass = tree.body[2], tree.body[3]
    assert isinstance(function, ast.FunctionDef) and isinstance(klass, ast.ClassDef)
    assert ast.get_docstring(function, clean=False) == text
    assert ast.get_docstring(klass, clean=False) == text
    method = klass.body[1]
    assert isinstance(method, ast.FunctionDef)
    assert ast.get_docstring(method, clean=False) == text
    returned = method.body[1]
    assert isinstance(returned, ast.Return) and returned.value is not None
    assert ast.literal_eval(returned.value) == text

    assert black.format_str(source, mode=WIDE) == source, f"black rewrote the module for {text!r}"
    for mode_name, mode in MODES.items():
        formatted = black.format_str(source, mode=mode)
        assert string_tokens(formatted) == string_tokens(
            source
        ), f"black ({mode_name}) rewrote a literal of {text!r}"
        if max(map(str_width, source.splitlines())) <= mode.line_length:  # black's width: wide characters count 2
            assert formatted == source, f"black ({mode_name}) rewrote the module for {text!r}"


def string_tokens(source: str) -> list[str]:
    """The exact source text of every string literal, in order."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [token.string for token in tokens if token.type == tokenize.STRING]


def test_string_literal_alone_evaluates_to_the_text() -> None:
    for text in HOSTILE.values():
        literal = string_literal(text)
        assert isinstance(literal, cst.SimpleString)
        assert ast.literal_eval(literal.value) == text
        assert literal.evaluated_value == text


def test_docstring_literal_is_triple_quoted() -> None:
    for text in HOSTILE.values():
        literal = docstring_literal(text)
        assert literal.value.startswith('"""') and literal.value.endswith('"""')
        assert ast.literal_eval(literal.value) == text


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_round_trips_and_is_black_stable(text: str) -> None:
    assert_round_trip(text)


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_docstring_has_no_raw_line_breaks(text: str) -> None:
    # A raw line break would let black re-indent the docstring and change its value.
    assert "\n" not in docstring_literal(text).value
    assert "\r" not in docstring_literal(text).value
    assert "\n" not in string_literal(text).value


@settings(max_examples=120, deadline=None)
@given(any_text)
@example('"')
@example("\\")
@example(" ")
def test_any_text_round_trips_and_is_black_stable(text: str) -> None:
    assert_round_trip(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(any_text, st.from_regex(r"[ -~]*", fullmatch=True)))
@example("")
@example(" x")
@example("x ")
@example("a'b")
@example('a"b')
@example("a\\b")
@example("é ok")
def test_the_shortcut_for_text_needing_no_escape_equals_the_walk_over_each_character(text: str) -> None:
    # _escape_body returns plain text whole (speed); it must agree with the
    # character-by-character escaping on every text, in every kind of literal.
    from codegen_ast.builders.literals import _escape_body, _escape_each

    for docstring, quote in ((True, '"'), (False, '"'), (False, "'")):
        assert _escape_body(text, docstring=docstring, quote=quote) == _escape_each(
            text, docstring=docstring, quote=quote
        )
