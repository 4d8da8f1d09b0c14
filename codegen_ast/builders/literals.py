"""Python values -> libcst literal nodes.

Text from users reaches generated code only through these functions, so any
``str`` — quotes, triple quotes, backslashes, braces, ``\\N{...}``, newlines,
control characters, non-ASCII — becomes a literal whose value is exactly that
text and which black leaves unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst

# Escapes for characters that are printable-unsafe inside a literal.
_SIMPLE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(char: str) -> str:
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_body(text: str, *, docstring: bool, quote: str = '"') -> str:
    """``text`` as the body of a literal (``docstring``: of a triple-quoted one).

    Most text (names, descriptions, docstrings the generator writes) needs no escape:
    every character printable, no backslash, none of the quotes or end spaces handled
    below; it is returned whole, with the same result as :func:`_escape_each`'s walk
    over each character (tests/test_literals.py checks that on any text)."""
    if text.isprintable() and "\\" not in text:
        if docstring:
            if '"' not in text and text[:1] != " " and text[-1:] != " ":
                return text
        elif quote not in text:
            return text
    return _escape_each(text, docstring=docstring, quote=quote)


def _escape_each(text: str, *, docstring: bool, quote: str = '"') -> str:
    out: list[str] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if char == quote and not docstring:
            out.append("\\" + quote)
        elif char == '"' and docstring:
            # In a docstring a quote is escaped only where it could close or
            # join the triple quotes (before another quote, or at the end) or
            # where black would pad it with a space (first or last character).
            if index == last:
                out.append("\\x22")  # an escaped \" would still be padded
            elif index == 0 or text[index + 1] == '"':
                out.append('\\"')
            else:
                out.append('"')
        elif docstring and char == " " and index in (0, last):
            # black strips the ends of a docstring; an escaped space survives.
            out.append("\\x20")
        else:
            out.append(_escape_char(char))
    return "".join(out)


def string_literal(text: str) -> cst.SimpleString:
    """A quoted literal whose value is exactly ``text``.

    Double-quoted unless the text holds more double than single quotes: the
    same choice black makes, so black never rewrites the literal.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    return cst.SimpleString(quote + _escape_body(text, docstring=False, quote=quote) + quote)


def docstring_literal(text: str) -> cst.SimpleString:
    """A triple-quoted docstring literal whose value is exactly ``text``.

    Everything that black would otherwise rewrite (line breaks, tabs, leading
    and trailing spaces) is escaped, so formatting never changes the value.
    """
    return cst.SimpleString('"""' + _escape_body(text, docstring=True) + '"""')


def docstring_statement(text: str) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Expr(docstring_literal(text))])


def literal(value: object) -> cst.BaseExpression:
    """Build the literal for a plain Python value (recursively for containers)."""
    if value is None or isinstance(value, bool):
        return cst.Name(repr(value))
    if isinstance(value, int):
        node: cst.BaseExpression = cst.Integer(str(abs(value)))
        return cst.UnaryOperation(cst.Minus(), node) if value < 0 else node
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"no literal for the float {value!r}")
        node = cst.Float(repr(abs(value)))
        return cst.UnaryOperation(cst.Minus(), node) if value < 0 else node
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, bytes):
        return cst.SimpleString(repr(value))
    if isinstance(value, Mapping):
        return cst.Dict(
            [cst.DictElement(literal(key), literal(item)) for key, item in value.items()]
        )
    if isinstance(value, tuple):
        return cst.Tuple([cst.Element(literal(item)) for item in value])
    if isinstance(value, Sequence):
        return cst.List([cst.Element(literal(item)) for item in value])
    raise TypeError(f"no literal for values of type {type(value).__name__}")


FStringPart = str | cst.BaseExpression | tuple[cst.BaseExpression, str]


def formatted_string(*parts: FStringPart) -> cst.FormattedString:
    """An f-string: ``str`` parts are literal text (escaped, braces doubled),
    expressions are interpolated; ``(expression, "r")`` adds a ``!r`` conversion."""
    nodes: list[cst.BaseFormattedStringContent] = []
    for part in parts:
        if isinstance(part, str):
            text = _escape_body(part, docstring=False).replace("{", "{{").replace("}", "}}")
            nodes.append(cst.FormattedStringText(text))
        elif isinstance(part, tuple):
            nodes.append(cst.FormattedStringExpression(part[0], conversion=part[1]))
        else:
            nodes.append(cst.FormattedStringExpression(part))
    return cst.FormattedString(nodes, start='f"', end='"')
