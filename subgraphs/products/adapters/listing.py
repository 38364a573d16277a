"""The storefront product listing: filters and keyset sorts as SQL (read side, no ORM).

Each public sort order has a partial index on ACTIVE products ending with `id`, so every
page, first or deep, is an index range scan of `first + 1` rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, and_, any_, exists, func, literal, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String

from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, ids_param
from subgraphs.products.adapters import tables as t
from subgraphs.products.domain.visibility import CatalogueView
from subgraphs.products.service_layer.read_models import ProductFilter, ProductSort, ProductSortField

p = t.products

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

# A literal, not a bind parameter, so the planner can use the partial indexes.
ACTIVE = text("products.products.status = 'ACTIVE'")


def product_order(sort: ProductSortField, descending: bool | None) -> KeysetOrder:
    desc = DEFAULT_DESCENDING[sort] if descending is None else descending
    return KeysetOrder("products", sort.value, _SORT_COLUMNS[sort], desc)


def order_of(sort: ProductSort) -> KeysetOrder:
    return product_order(sort.field, sort.descending)


def visible(view: CatalogueView) -> list[Any]:
    """The visibility rule (`domain.visibility`) as a WHERE on the products table."""
    if view.everything:
        return []
    if view.own_seller_id is None:
        return [ACTIVE]
    return [or_(ACTIVE, p.c.seller_id == view.own_seller_id)]


def filtered_products(f: ProductFilter, view: CatalogueView) -> Select[Any]:
    conditions: list[Any] = []  # column expressions and literal SQL text
    status = view.listing_status(f.seller_id, f.status)
    if status is not None:
        if f.status is not None and f.status != status:
            conditions.append(literal_column("false"))
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
