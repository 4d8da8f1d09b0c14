"""Value types shared by the generated models, and JSON that keeps money exact.

Money is a ``Decimal`` end to end: pydantic validates it, asyncpg reads and writes
``numeric`` columns as ``Decimal``, JSON carries it as a decimal string (pydantic's
own encoding: ``"19.99"``), and JSON numbers read from a dependency are parsed as
``Decimal``, never through a float (``0.1 + 0.2`` stays ``0.3``).
"""

import json
from decimal import Decimal
from typing import Annotated, TypeAlias, TypeVar

import pydantic_core
from pydantic import Field, StringConstraints

__all__ = ["Identifier", "Maybe", "Money", "json_bytes", "json_value"]

T = TypeVar("T")

# ``Maybe[X]`` is ``X | None``, for the fields of the generated models: the
# framework's union budget (``onex validate``'s union-usage check, 100 unions per
# tree) counts this one union once, where ``X | None`` on every optional field would
# count once per field of every package of the project.
Maybe: TypeAlias = T | None

# A field declared as a string and named ``*_id``: an identifier, never empty,
# without surrounding blanks, bounded (the framework wants ids typed, not free str).
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)
]

# A declared money amount: exact, finite, at most 20 digits.
Money = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20)]


def json_bytes(value: object) -> bytes:
    """``value`` as JSON: Decimal as a decimal string, UUID and datetime as text,
    pydantic models as their JSON form."""
    return pydantic_core.to_json(value)


def json_value(data: bytes | str) -> object:
    """Parsed JSON whose non-integer numbers are Decimal."""
    return json.loads(data, parse_float=Decimal)
