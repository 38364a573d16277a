"""Cursor pages without SQL: page arguments, pages, and opaque keyset cursors.

A cursor is the list of sort-key values of a row, tagged with the list it came from and the
sort order, so a cursor from another list or another sort is refused rather than silently
giving a wrong page. The last sort key is always the id (UUIDv7), which makes every position
unique; rows inserted while a client pages never shift the pages it has not read yet.
The SQL side of the same cursors is `subgraphs.platform.sql.keyset`.
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

from subgraphs.platform.kernel.errors import BadUserInput, InvalidCursor, PageSizeExceeded

CURSOR_VERSION = 1
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

RowT = TypeVar("RowT")
T = TypeVar("T")

# How a cursor value of each type is written to JSON and read back.
_ENCODERS: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: str,
    datetime: lambda v: v.isoformat(),
    int: int,
    str: str,
    bool: bool,
}


def _bad() -> Any:
    raise ValueError("wrong type")


_DECODERS: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: lambda v: uuid.UUID(v) if isinstance(v, str) else _bad(),
    datetime: lambda v: datetime.fromisoformat(v) if isinstance(v, str) else _bad(),
    int: lambda v: v if isinstance(v, int) and not isinstance(v, bool) else _bad(),
    str: lambda v: v if isinstance(v, str) else _bad(),
    bool: lambda v: v if isinstance(v, bool) else _bad(),
}


@dataclass(frozen=True, slots=True)
class CursorOrder:
    """A named ordering: the Python type of each sort key (the last one is the id)."""

    list_name: str
    sort_name: str
    value_types: tuple[type, ...]
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

    @property
    def size(self) -> int:
        size = self.last if self.backward else self.first
        assert size is not None, "validate the page first"
        return size


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool

    def map(self, convert: Callable[[RowT], T]) -> Page[T]:
        """The same page (cursors, flags) of converted rows, e.g. SQL rows to domain objects."""
        return Page([convert(r) for r in self.rows], self.cursors, self.has_next_page, self.has_previous_page)


def encode_cursor(order: CursorOrder, values: Sequence[Any]) -> str:
    encoded = [_ENCODERS[t](v) for t, v in zip(order.value_types, values, strict=True)]
    raw = orjson.dumps([*order.tag, encoded])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: CursorOrder, cursor: str, field: str = "after") -> tuple[Any, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidCursor("Malformed cursor.", field=field) from exc
    if not isinstance(payload, list) or len(payload) != 5 or payload[:4] != order.tag:
        raise InvalidCursor("Cursor does not belong to this list or sort order.", field=field)
    values = payload[4]
    if not isinstance(values, list) or len(values) != len(order.value_types):
        raise InvalidCursor("Malformed cursor.", field=field)
    try:
        return tuple(_DECODERS[t](v) for t, v in zip(order.value_types, values, strict=True))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("Malformed cursor.", field=field) from exc


def build_page(
    rows: Sequence[RowT], order: CursorOrder, page: PageArgs, values_of: Callable[[RowT], Sequence[Any]]
) -> Page[RowT]:
    """The page from `size + 1` rows read in the page's direction (the extra one says "more")."""
    more = len(rows) > page.size
    kept = list(rows[: page.size])
    if page.backward:
        kept.reverse()
    cursors = [encode_cursor(order, values_of(r)) for r in kept]
    if page.backward:
        return Page(kept, cursors, has_next_page=page.before is not None, has_previous_page=more)
    return Page(kept, cursors, has_next_page=more, has_previous_page=page.after is not None)


def page_in_memory(
    items: Sequence[RowT], order: CursorOrder, page: PageArgs, values_of: Callable[[RowT], Sequence[Any]]
) -> Page[RowT]:
    """The same cursors and page rules over a small list already in memory (e.g. a cached cart)."""
    keyed = sorted(((tuple(values_of(x)), x) for x in items), key=lambda kx: kx[0], reverse=order.descending)
    if page.after is not None:
        after = decode_cursor(order, page.after, "after")
        keyed = [kx for kx in keyed if (kx[0] < after if order.descending else kx[0] > after)]
    if page.before is not None:
        before = decode_cursor(order, page.before, "before")
        keyed = [kx for kx in keyed if (kx[0] > before if order.descending else kx[0] < before)]
    window = list(reversed(keyed))[: page.size + 1] if page.backward else keyed[: page.size + 1]
    return build_page([x for _, x in window], order, page, values_of)
