"""The storefront product listing: filters and keyset sorts as SQL (read side, no ORM).

Each public sort order has a partial index on ACTIVE products ending with `id`, so every
page, first or deep, is an index range scan of `first + 1` rows.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, any_, exists, func, literal, literal_column, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String, Uuid

from subgraphs.platform.identity import Principal
from subgraphs.platform.pagination import KeysetOrder, SortKey
from subgraphs.products.adapters import tables as t
from subgraphs.products.domain.model import ProductStatus

p = t.products


class ProductSortField(enum.Enum):
    NEWEST = "NEWEST"
    PRICE = "PRICE"
    TITLE = "TITLE"
    POPULARITY = "POPULARITY"


# Natural direction of each sort when the client gives none.
DEFAULT_DESCENDING = {
    ProductSortField.NEWEST: True,
    ProductSortField.PRICE: False,
    ProductSortField.TITLE: False,
    ProductSortField.POPULARITY: True,
}

_SORT_COLUMNS: dict[ProductSortField, tuple[SortKey, ...]] = {
    ProductSortField.NEWEST: (SortKey(p.c.id, uuid.UUID),),
    ProductSortField.PRICE: (SortKey(p.c.min_price, int), SortKey(p.c.id, uuid.UUID)),
    ProductSortField.TITLE: (SortKey(p.c.title, str), SortKey(p.c.id, uuid.UUID)),
    ProductSortField.POPULARITY: (SortKey(p.c.popularity, int), SortKey(p.c.id, uuid.UUID)),
}


def product_order(sort: ProductSortField, descending: bool | None) -> KeysetOrder:
    desc = DEFAULT_DESCENDING[sort] if descending is None else descending
    return KeysetOrder("products", sort.value, _SORT_COLUMNS[sort], desc)


@dataclass(frozen=True)
class AttributeFilter:
    attribute_id: uuid.UUID
    values: tuple[str, ...]


@dataclass(frozen=True)
class ProductFilter:
    category_id: uuid.UUID | None = None
    brand_ids: tuple[uuid.UUID, ...] = ()
    seller_id: uuid.UUID | None = None
    price_min: int | None = None
    price_max: int | None = None
    attributes: tuple[AttributeFilter, ...] = ()
    in_stock: bool | None = None
    status: ProductStatus | None = None
    search: str | None = None
    ids: tuple[uuid.UUID, ...] = field(default=())


def ids_param(ids: Any) -> Any:
    """`= ANY($1::uuid[])`: one prepared statement whatever the number of ids."""
    return any_(literal(list(ids), ARRAY(Uuid)))


def visible_status(principal: Principal | None, f: ProductFilter) -> ProductStatus | None:
    """Storefront callers see ACTIVE products; sellers their own in any status; admins all."""
    if principal is not None and (
        principal.is_admin
        or (principal.is_seller and f.seller_id is not None and f.seller_id == principal.user_id)
    ):
        return f.status
    return ProductStatus.ACTIVE


def filtered_products(f: ProductFilter, principal: Principal | None) -> Select[Any]:
    conditions: list[Any] = []  # column expressions and literal SQL text
    status = visible_status(principal, f)
    if status is not None:
        if f.status is not None and f.status != status:
            conditions.append(literal_column("false"))
        # A literal, not a bind parameter, so the planner can use the partial indexes.
        conditions.append(text(f"products.products.status = '{status.value}'"))
    if f.category_id is not None:
        subtree = select(t.categories.c.id).where(
            t.categories.c.path.like(
                select(t.categories.c.path).where(t.categories.c.id == f.category_id).scalar_subquery() + "%"
            )
        )
        conditions.append(p.c.category_id.in_(subtree))
    if f.brand_ids:
        conditions.append(p.c.brand_id == ids_param(f.brand_ids))
    if f.seller_id is not None:
        conditions.append(p.c.seller_id == f.seller_id)
    if f.price_min is not None:
        conditions.append(p.c.min_price >= f.price_min)
    if f.price_max is not None:
        conditions.append(p.c.min_price <= f.price_max)
    for af in f.attributes:
        av = t.attribute_values.alias()
        conditions.append(
            exists().where(
                av.c.product_id == p.c.id,
                av.c.attribute_id == af.attribute_id,
                av.c.value == any_(literal(list(af.values), ARRAY(String))),
            )
        )
    if f.in_stock is not None:
        stocked = exists().where(
            t.inventory.c.product_id == p.c.id, t.inventory.c.on_hand > t.inventory.c.reserved
        )
        conditions.append(stocked if f.in_stock else ~stocked)
    if f.search:
        conditions.append(p.c.search.op("@@")(func.websearch_to_tsquery("simple", f.search)))
    if f.ids:
        conditions.append(p.c.id == ids_param(f.ids))
    return select(p).where(and_(True, *conditions))
