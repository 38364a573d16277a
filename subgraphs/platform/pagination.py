"""Keyset (cursor) pagination: opaque cursors, stable under concurrent inserts.

A cursor is the list of sort-key values of a row, tagged with the list it came from and the
sort order, so a cursor from another list or another sort is rejected rather than silently
giving a wrong page. The last sort column is always the primary key (UUIDv7), which makes
every position unique. Rows inserted while a client pages never shift the pages it has not
read yet, unlike offsets.

Queries use row-value comparisons `(a, b) > ($1, $2)`, which PostgreSQL answers from a
composite b-tree index in both directions, so a deep page costs what the first page costs.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import ColumnElement, Select, tuple_

from subgraphs.platform.errors import BadUserInput, InvalidCursor, PageSizeExceeded

CURSOR_VERSION = 1
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

RowT = TypeVar("RowT")

# How a cursor value of each column type is written to JSON and read back.
_ENCODERS: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: str,
    datetime: lambda v: v.isoformat(),
    int: int,
    str: str,
    bool: bool,
}
_DECODERS: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: lambda v: uuid.UUID(v) if isinstance(v, str) else _bad(),
    datetime: lambda v: datetime.fromisoformat(v) if isinstance(v, str) else _bad(),
    int: lambda v: v if isinstance(v, int) and not isinstance(v, bool) else _bad(),
    str: lambda v: v if isinstance(v, str) else _bad(),
    bool: lambda v: v if isinstance(v, bool) else _bad(),
}


def _bad() -> Any:
    raise ValueError("wrong type")


@dataclass(frozen=True, slots=True)
class SortKey:
    """One sort column and the Python type of its values (for cursor round trips)."""

    column: ColumnElement[Any]
    python_type: type


@dataclass(frozen=True, slots=True)
class KeysetOrder:
    """A named ordering; `keys` ends with the primary key so positions are unique."""

    list_name: str
    sort_name: str
    keys: tuple[SortKey, ...]
    descending: bool

    @property
    def tag(self) -> list[Any]:
        return [CURSOR_VERSION, self.list_name, self.sort_name, "D" if self.descending else "A"]


@dataclass(frozen=True, slots=True)
class PageArgs:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def validated(self, max_size: int = MAX_PAGE_SIZE) -> PageArgs:
        if self.first is not None and self.last is not None:
            raise BadUserInput("Pass either `first` or `last`, not both.", field="first")
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and value < 0:
                raise BadUserInput(f"`{name}` must not be negative.", field=name)
            if value is not None and value > max_size:
                raise PageSizeExceeded(
                    f"`{name}` must be at most {max_size}.", field=name, maxPageSize=max_size
                )
        if self.first is None and self.last is None:
            return PageArgs(first=DEFAULT_PAGE_SIZE, after=self.after, before=self.before)
        return self

    @property
    def backward(self) -> bool:
        return self.last is not None


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(order: KeysetOrder, values: Sequence[Any]) -> str:
    encoded = [_ENCODERS[k.python_type](v) for k, v in zip(order.keys, values, strict=True)]
    raw = orjson.dumps([*order.tag, encoded])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: KeysetOrder, cursor: str, field: str = "after") -> tuple[Any, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidCursor("Malformed cursor.", field=field) from exc
    if not isinstance(payload, list) or len(payload) != 5 or payload[:4] != order.tag:
        raise InvalidCursor("Cursor does not belong to this list or sort order.", field=field)
    values = payload[4]
    if not isinstance(values, list) or len(values) != len(order.keys):
        raise InvalidCursor("Malformed cursor.", field=field)
    try:
        return tuple(_DECODERS[k.python_type](v) for k, v in zip(order.keys, values, strict=True))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("Malformed cursor.", field=field) from exc


def apply_keyset(query: Select[Any], order: KeysetOrder, page: PageArgs) -> Select[Any]:
    """Add the keyset WHERE, ORDER BY and LIMIT (one extra row to know if more exist)."""
    columns = [k.column for k in order.keys]
    # Walking backwards means reading the index in the opposite direction, then reversing.
    reverse = order.descending != page.backward
    key = tuple_(*columns)
    if page.after is not None:
        after = tuple_(*decode_cursor(order, page.after, "after"))
        query = query.where(key < after if order.descending else key > after)
    if page.before is not None:
        before = tuple_(*decode_cursor(order, page.before, "before"))
        query = query.where(key > before if order.descending else key < before)
    size = page.last if page.backward else page.first
    assert size is not None
    ordering = [c.desc() if reverse else c.asc() for c in columns]
    return query.order_by(*ordering).limit(size + 1)


def build_page(
    rows: Sequence[RowT],
    order: KeysetOrder,
    page: PageArgs,
    values_of: Callable[[RowT], Sequence[Any]],
) -> Page[RowT]:
    size = page.last if page.backward else page.first
    assert size is not None
    more = len(rows) > size
    kept = list(rows[:size])
    if page.backward:
        kept.reverse()
    cursors = [encode_cursor(order, values_of(r)) for r in kept]
    if page.backward:
        return Page(kept, cursors, has_next_page=page.before is not None, has_previous_page=more)
    return Page(kept, cursors, has_next_page=more, has_previous_page=page.after is not None)


def page_in_memory(
    items: Sequence[RowT], order: KeysetOrder, page: PageArgs, values_of: Callable[[RowT], Sequence[Any]]
) -> Page[RowT]:
    """The same cursors and page rules over a small list already in memory (e.g. a cached cart)."""
    keyed = sorted(((tuple(values_of(x)), x) for x in items), key=lambda kx: kx[0], reverse=order.descending)
    if page.after is not None:
        after = decode_cursor(order, page.after, "after")
        keyed = [kx for kx in keyed if (kx[0] < after if order.descending else kx[0] > after)]
    if page.before is not None:
        before = decode_cursor(order, page.before, "before")
        keyed = [kx for kx in keyed if (kx[0] > before if order.descending else kx[0] < before)]
    size = page.last if page.backward else page.first
    assert size is not None
    window = list(reversed(keyed))[: size + 1] if page.backward else keyed[: size + 1]
    return build_page([x for _, x in window], order, page, values_of)
