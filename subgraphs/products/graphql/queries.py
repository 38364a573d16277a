"""Root query fields: thin resolvers that parse arguments, run one read, map to types."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from sqlalchemy import Select, Table, or_, select, text

from subgraphs.platform.authz import CATALOG_WRITE, requires_scopes
from subgraphs.platform.context import Info
from subgraphs.platform.errors import BadUserInput
from subgraphs.platform.graphql_pagination import ascending, escape_like, id_filter, paginate
from subgraphs.platform.graphql_types import Connection, SortDirection
from subgraphs.platform.ids import parse_id
from subgraphs.platform.pagination import KeysetOrder, PageArgs
from subgraphs.products.adapters import listing
from subgraphs.products.adapters import tables as t
from subgraphs.products.domain.model import ProductStatus as DomainStatus
from subgraphs.products.domain.model import id_from_product_slug
from subgraphs.products.graphql import dataloaders as dl
from subgraphs.products.graphql.inputs import (
    CategoryFilter,
    InventoryFilter,
    NameFilter,
    ProductFilter,
    ProductSort,
    VariantFilter,
)
from subgraphs.products.graphql.types import (
    Brand,
    Category,
    InventoryItem,
    Product,
    ProductAttribute,
    ProductImage,
    ProductVariant,
)
from subgraphs.products.graphql.visibility import product_visible


def _product_filter(f: ProductFilter | None) -> listing.ProductFilter:
    if f is None:
        return listing.ProductFilter()
    brand_ids = tuple(i for i in (id_filter(b, "filter.brandIds") for b in f.brand_ids or []) if i)
    attrs = tuple(
        listing.AttributeFilter(
            attribute_id=id_filter(a.attribute_id, "filter.attributes.attributeId") or uuid.UUID(int=0),
            values=tuple(a.values),
        )
        for a in f.attributes or []
    )
    if f.price and f.price.min is not None and f.price.max is not None and f.price.min > f.price.max:
        raise BadUserInput("`price.min` must not exceed `price.max`.", field="filter.price")
    if f.price and ((f.price.min or 0) < 0 or (f.price.max or 0) < 0):
        raise BadUserInput("Price bounds must not be negative.", field="filter.price")
    search = (f.search or "").strip() or None
    if search and len(search) > 200:
        raise BadUserInput("Search text must be at most 200 characters.", field="filter.search")
    return listing.ProductFilter(
        category_id=id_filter(f.category_id, "filter.categoryId"),
        brand_ids=brand_ids,
        seller_id=id_filter(f.seller_id, "filter.sellerId"),
        price_min=f.price.min if f.price else None,
        price_max=f.price.max if f.price else None,
        attributes=attrs,
        in_stock=f.in_stock,
        status=DomainStatus(f.status.value) if f.status else None,
        search=search,
    )


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Storefront and seller product listing with keyset pagination.")
    async def products(
        self,
        info: Info,
        filter: ProductFilter | None = None,
        sort: ProductSort | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Product]:
        sort = sort or ProductSort()
        descending = None if sort.direction is None else sort.direction == SortDirection.DESC
        order = listing.product_order(listing.ProductSortField(sort.field.value), descending)
        query = listing.filtered_products(_product_filter(filter), info.context.principal)
        return await paginate(info, query, order, PageArgs(first, after, last, before), Product.from_row)

    @strawberry.field(description="A product by id or by slug (exactly one).")
    async def product(
        self, info: Info, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Product | None:
        if (id is None) == (slug is None):
            raise BadUserInput("Pass exactly one of `id` or `slug`.", field="id")
        key = parse_id(id) if id is not None else id_from_product_slug(slug or "")
        if key is None:
            return None
        row = await dl.ProductByIdLoader.of(info.context).load(key)
        if row is None or not product_visible(info.context, row):
            return None
        return Product.from_row(row)

    @strawberry.field
    async def categories(
        self,
        info: Info,
        filter: CategoryFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Category]:
        c = t.categories
        query, order = _by_name(c, filter.search if filter else None)
        if filter is not None:
            if filter.roots_only:
                query = query.where(c.c.parent_id.is_(None))
            if filter.parent_id is not None:
                query = query.where(c.c.parent_id == id_filter(filter.parent_id, "filter.parentId"))
        return await paginate(info, query, order, PageArgs(first, after, last, before), Category.from_row)

    @strawberry.field
    async def category(
        self, info: Info, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Category | None:
        if (id is None) == (slug is None):
            raise BadUserInput("Pass exactly one of `id` or `slug`.", field="id")
        if id is not None:
            row = await dl.CategoryByIdLoader.of(info.context).load_id(id)
        else:
            async with info.context.engine.connect() as conn:
                row = (await conn.execute(select(t.categories).where(t.categories.c.slug == slug))).first()
        return Category.from_row(row) if row else None

    @strawberry.field
    async def brands(
        self,
        info: Info,
        filter: NameFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Brand]:
        query, order = _by_name(t.brands, filter.search if filter else None)
        base = info.context.settings.cdn_base_url
        return await paginate(
            info, query, order, PageArgs(first, after, last, before), lambda r: Brand.from_row(r, base)
        )

    @strawberry.field
    async def brand(self, info: Info, id: strawberry.ID) -> Brand | None:
        row = await dl.BrandByIdLoader.of(info.context).load_id(id)
        return Brand.from_row(row, info.context.settings.cdn_base_url) if row else None

    @strawberry.field
    async def attributes(
        self,
        info: Info,
        filter: NameFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductAttribute]:
        query, order = _by_name(t.attributes, filter.search if filter else None)
        return await paginate(
            info,
            query,
            order,
            PageArgs(first, after, last, before),
            lambda r: ProductAttribute(id=strawberry.ID(str(r.id)), name=r.name, slug=r.slug),
        )

    @strawberry.field
    async def variants(
        self,
        info: Info,
        filter: VariantFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductVariant]:
        v, p = t.variants, t.products
        query = select(v).join(p, p.c.id == v.c.product_id)
        query = query.where(*_visible_products(info))
        if filter is not None:
            if filter.product_id is not None:
                query = query.where(v.c.product_id == id_filter(filter.product_id, "filter.productId"))
            if filter.sku is not None:
                query = query.where(v.c.sku == filter.sku)
        order = ascending("variants", (v.c.id, uuid.UUID))
        return await paginate(
            info, query, order, PageArgs(first, after, last, before), ProductVariant.from_row
        )

    @strawberry.field(description="A variant by id or by SKU (exactly one).")
    async def variant(
        self, info: Info, id: strawberry.ID | None = None, sku: str | None = None
    ) -> ProductVariant | None:
        if (id is None) == (sku is None):
            raise BadUserInput("Pass exactly one of `id` or `sku`.", field="id")
        if id is not None:
            row = await dl.VariantByIdLoader.of(info.context).load_id(id)
        else:
            row = await dl.VariantBySkuLoader.of(info.context).load(sku or "")
        if row is None:
            return None
        product = await dl.ProductByIdLoader.of(info.context).load(row.product_id)
        return (
            ProductVariant.from_row(row)
            if product is not None and product_visible(info.context, product)
            else None
        )

    @strawberry.field
    async def product_images(
        self,
        info: Info,
        product_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductImage]:
        i, p = t.images, t.products
        query = (
            select(i)
            .join(p, p.c.id == i.c.product_id)
            .where(i.c.product_id == id_filter(product_id, "productId"), *_visible_products(info))
        )
        order = ascending("images", (i.c.position, int), (i.c.id, uuid.UUID))
        base = info.context.settings.cdn_base_url
        return await paginate(
            info, query, order, PageArgs(first, after, last, before), lambda r: ProductImage.from_row(r, base)
        )

    @strawberry.federation.field(
        **requires_scopes(CATALOG_WRITE),
        description="Per-warehouse stock rows: sellers see their own products', admins all.",
    )
    async def inventory(
        self,
        info: Info,
        filter: InventoryFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[InventoryItem]:
        principal = info.context.require_role("seller")
        inv, p = t.inventory, t.products
        query = select(inv)
        if not principal.is_admin:
            query = query.join(p, p.c.id == inv.c.product_id).where(p.c.seller_id == principal.user_id)
        if filter is not None:
            if filter.variant_id is not None:
                query = query.where(inv.c.variant_id == id_filter(filter.variant_id, "filter.variantId"))
            if filter.warehouse is not None:
                query = query.where(inv.c.warehouse == filter.warehouse)
            if filter.low_stock is not None:
                low = (inv.c.on_hand - inv.c.reserved) <= inv.c.low_stock_threshold
                query = query.where(low if filter.low_stock else ~low)
        order = ascending("inventory", (inv.c.id, uuid.UUID))
        return await paginate(
            info, query, order, PageArgs(first, after, last, before), InventoryItem.from_row
        )

    @strawberry.federation.field(**requires_scopes(CATALOG_WRITE))
    async def inventory_item(self, info: Info, id: strawberry.ID) -> InventoryItem | None:
        principal = info.context.require_role("seller")
        row = await dl.InventoryByIdLoader.of(info.context).load_id(id)
        if row is None:
            return None
        product = await dl.ProductByIdLoader.of(info.context).load(row.product_id)
        if product is None or not (principal.is_admin or product.seller_id == principal.user_id):
            return None
        return InventoryItem.from_row(row)


def _visible_products(info: Info) -> list[Any]:
    principal = info.context.principal
    if principal is not None and principal.is_admin:
        return []
    active = text("products.products.status = 'ACTIVE'")
    if principal is None or not principal.is_seller:
        return [active]
    return [or_(active, t.products.c.seller_id == principal.user_id)]


def _by_name(table: Table, search: str | None) -> tuple[Select[Any], KeysetOrder]:
    """Small lists (categories, brands, attributes): name order, optional name search."""
    query = select(table)
    if search:
        query = query.where(table.c.name.ilike(f"%{escape_like(search)}%"))
    return query, ascending(table.name, (table.c.name, str), (table.c.id, uuid.UUID))
