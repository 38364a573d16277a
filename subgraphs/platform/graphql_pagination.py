"""Run a keyset-paginated SELECT for a connection field (the read side of every list)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Select

from subgraphs.platform.context import Info
from subgraphs.platform.errors import BadUserInput
from subgraphs.platform.graphql_types import Connection
from subgraphs.platform.ids import parse_id
from subgraphs.platform.pagination import KeysetOrder, Page, PageArgs, SortKey, apply_keyset, build_page

NodeT = TypeVar("NodeT")


def id_filter(raw: strawberry.ID | None, field: str) -> uuid.UUID | None:
    """A filter argument that must be an id when given (a malformed one is a client error)."""
    if raw is None:
        return None
    value = parse_id(raw)
    if value is None:
        raise BadUserInput(f"`{field}` is not a valid id.", field=field)
    return value


def ascending(list_name: str, *keys: tuple[Any, type]) -> KeysetOrder:
    return KeysetOrder(list_name, "DEFAULT", tuple(SortKey(c, typ) for c, typ in keys), False)


async def fetch_page(info: Info, query: Select[Any], order: KeysetOrder, page: PageArgs) -> Page[Any]:
    """The rows of one page (for callers that batch-load more per row before mapping)."""
    page = page.validated(info.context.settings.max_page_size)
    async with info.context.engine.connect() as conn:
        rows: Sequence[Any] = (await conn.execute(apply_keyset(query, order, page))).all()
    return build_page(rows, order, page, lambda r: [getattr(r, str(k.column.key)) for k in order.keys])


async def paginate(
    info: Info, query: Select[Any], order: KeysetOrder, page: PageArgs, to_node: Callable[[Any], NodeT]
) -> Connection[NodeT]:
    return Connection.from_page(await fetch_page(info, query, order, page), to_node)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")[:100]
