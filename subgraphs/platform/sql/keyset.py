"""Keyset pages in SQL: the WHERE, ORDER BY and LIMIT for the cursors of `kernel.paging`.

Queries use row-value comparisons `(a, b) > ($1, $2)`, which PostgreSQL answers from a
composite b-tree index in both directions, so a deep page costs what the first page costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, any_, literal, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import Uuid

from subgraphs.platform.kernel.paging import CursorOrder, Page, PageArgs, build_page, decode_cursor


@dataclass(frozen=True, slots=True)
class SortKey:
    """One sort column and the Python type of its values (for cursor round trips)."""

    column: ColumnElement[Any]
    python_type: type


@dataclass(frozen=True, slots=True)
class KeysetOrder:
    """A named ordering over columns; `keys` ends with the primary key so positions are unique."""

    list_name: str
    sort_name: str
    keys: tuple[SortKey, ...]
    descending: bool

    @property
    def cursor(self) -> CursorOrder:
        return CursorOrder(
            self.list_name, self.sort_name, tuple(k.python_type for k in self.keys), self.descending
        )


def ascending(list_name: str, *keys: tuple[Any, type]) -> KeysetOrder:
    return KeysetOrder(list_name, "DEFAULT", tuple(SortKey(c, typ) for c, typ in keys), False)


def apply_keyset(query: Select[Any], order: KeysetOrder, page: PageArgs) -> Select[Any]:
    """Add the keyset WHERE, ORDER BY and LIMIT (one extra row to know if more exist)."""
    columns = [k.column for k in order.keys]
    # Walking backwards means reading the index in the opposite direction, then reversing.
    reverse = order.descending != page.backward
    key = tuple_(*columns)
    cursor = order.cursor
    if page.after is not None:
        after = tuple_(*decode_cursor(cursor, page.after, "after"))
        query = query.where(key < after if order.descending else key > after)
    if page.before is not None:
        before = tuple_(*decode_cursor(cursor, page.before, "before"))
        query = query.where(key > before if order.descending else key < before)
    ordering = [c.desc() if reverse else c.asc() for c in columns]
    return query.order_by(*ordering).limit(page.size + 1)


async def fetch_page(
    engine: AsyncEngine, query: Select[Any], order: KeysetOrder, page: PageArgs
) -> Page[Any]:
    """One page of `query` in `order` (`page` already validated against the page cap)."""
    async with engine.connect() as conn:
        rows: Sequence[Any] = (await conn.execute(apply_keyset(query, order, page))).all()
    names = [str(k.column.key) for k in order.keys]
    return build_page(rows, order.cursor, page, lambda r: [getattr(r, n) for n in names])


def ids_param(ids: Any) -> Any:
    """`= ANY($1::uuid[])`: one prepared statement whatever the number of ids."""
    return any_(literal(list(ids), ARRAY(Uuid)))


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")[:100]


__all__ = ["KeysetOrder", "SortKey", "apply_keyset", "ascending", "escape_like", "fetch_page", "ids_param"]
