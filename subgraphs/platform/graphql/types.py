"""GraphQL types every subgraph shares: keyset connections, page info and user errors."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from subgraphs.platform.graphql.cost import FREE
from subgraphs.platform.kernel.errors import AppError
from subgraphs.platform.kernel.paging import Page

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


@strawberry.enum
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


# Value types every subgraph returns are @shareable, so the supergraph can compose them.
@strawberry.federation.type(
    shareable=True,
    description="Where a page sits in its list (Relay cursor connections).",
    directives=[FREE],
)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(directives=[FREE])
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="A page of a list; cursors are opaque and keyset-based.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    nodes: list[NodeT]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page[RowT], to_node: Callable[[RowT], NodeT]) -> Connection[NodeT]:
        nodes = [to_node(r) for r in page.rows]
        return cls(
            edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )


@strawberry.federation.type(
    shareable=True,
    description="An amount in integer minor units (cents) of a currency.",
    directives=[FREE],
)
class Money:
    amount: int = strawberry.field(description="Minor units, e.g. 1999 for 19.99 USD.")
    currency: str


@strawberry.federation.type(
    shareable=True,
    description="A problem with the input of a mutation; nothing was written.",
    directives=[FREE],
)
class UserError:
    field: list[str] | None = strawberry.field(description="Path to the input field at fault.")
    message: str
    code: str


def user_errors_from(errors: Sequence[AppError]) -> list[UserError]:
    return [
        UserError(field=e.field.split(".") if e.field else None, message=e.message, code=e.code)
        for e in errors
    ]
