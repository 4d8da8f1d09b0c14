"""Checks and paging shared by the CRUD handlers of database effect nodes.

Lists are read a bounded page at a time, by key (keyset paging): a request asks
for ``limit`` rows (default ``LIST_PAGE_SIZE``, 50; at most ``LIST_MAX_PAGE_SIZE``,
500) after an opaque ``cursor``; the answer carries the rows and the cursor of the
next page (None on the last). The handler's query is
``... WHERE ($1::text IS NULL OR key > $1) ORDER BY key LIMIT $2`` run with
``page_after(cursor)`` and ``page.fetch_size``.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from omnibase_core.enums import EnumCoreErrorCode

from onex_support.errors import onex_error
from onex_support.settings import setting_int

__all__ = [
    "PageRequest",
    "decode_cursor",
    "found",
    "next_page",
    "page_request",
    "required",
]

T = TypeVar("T")
HARD_MAX_PAGE_SIZE = 10_000


def required(value: T | None, field: str, operation: str, correlation_id: UUID) -> T:
    """``value``, or VALIDATION_ERROR naming the operation and the missing field."""
    if value is None:
        raise onex_error(
            f"{operation} needs {field}",
            EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id,
            field=field,
        )
    return value


def found(row: T | None, table: str, key: str, correlation_id: UUID) -> T:
    """``row``, or NOT_FOUND naming the table and the key column (not its value) in
    its message and its context."""
    if row is None:
        raise onex_error(
            f"no {table} row has the {key} asked for",
            EnumCoreErrorCode.NOT_FOUND,
            correlation_id,
            table=table,
            key=key,
        )
    return row


@dataclass(frozen=True)
class PageRequest:
    """One page to read: rows after ``after`` (None: from the start), ``size`` of
    them; ``fetch_size`` (one more) tells whether another page follows."""

    after: object
    size: int

    @property
    def fetch_size(self) -> int:
        return self.size + 1


def decode_cursor(cursor: str | None, correlation_id: UUID) -> object:
    """The key a cursor stands for (None for no cursor); VALIDATION_ERROR for one
    this module did not make."""
    if cursor is None or cursor == "":
        return None
    try:
        decoded: object = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error):
        raise onex_error(
            "cursor is not one a previous page returned",
            EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id,
            field="cursor",
        ) from None
    if not isinstance(decoded, dict) or set(decoded) != {"after"}:
        raise onex_error(
            "cursor is not one a previous page returned",
            EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id,
            field="cursor",
        )
    return decoded["after"]


def page_request(
    limit: int | None, cursor: str | None, correlation_id: UUID
) -> PageRequest:
    """The page a list request asks for: ``limit`` rows (LIST_PAGE_SIZE when None;
    VALIDATION_ERROR below 1 or above LIST_MAX_PAGE_SIZE) after ``cursor``."""
    maximum = setting_int(
        "LIST_MAX_PAGE_SIZE", 500, minimum=1, maximum=HARD_MAX_PAGE_SIZE
    )
    size = (
        setting_int("LIST_PAGE_SIZE", 50, minimum=1, maximum=maximum)
        if limit is None
        else limit
    )
    if not 1 <= size <= maximum:
        raise onex_error(
            f"limit must be between 1 and {maximum}",
            EnumCoreErrorCode.VALIDATION_ERROR,
            correlation_id,
            field="limit",
        )
    return PageRequest(decode_cursor(cursor, correlation_id), size)


class Row(Protocol):
    def __getitem__(self, key: str) -> object: ...


RowT = TypeVar("RowT", bound=Row)


@dataclass(frozen=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    next_cursor: str | None


def next_page(rows: Sequence[RowT], page: PageRequest, key: str) -> Page[RowT]:
    """The rows of the page (at most ``page.size`` of the ``fetch_size`` read) and
    the cursor after its last row when more rows follow."""
    kept = list(rows[: page.size])
    if len(rows) <= page.size or not kept:
        return Page(kept, None)
    last = kept[-1][key]
    cursor = base64.urlsafe_b64encode(
        json.dumps({"after": last}, default=str).encode()
    ).decode()
    return Page(kept, cursor)
