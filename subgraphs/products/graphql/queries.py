"""Root query fields: thin resolvers that parse arguments, run one read, map to types."""

from __future__ import annotations

import strawberry

from subgraphs.contracts.access import CATALOG_WRITE, SELLER
from subgraphs.platform.graphql.arguments import id_filter, page_args
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.selection import connection_node_fields
from subgraphs.platform.graphql.types import Connection, SortDirection
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.products.domain.model import id_from_product_slug
from subgraphs.products.graphql import loaders as dl
from subgraphs.products.graphql.context import Info, view_of
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
    prefetch_relations,
    shows_product,
)
from subgraphs.products.service_layer import read_models as rm


def _product_filter(f: ProductFilter | None) -> rm.ProductFilter:
    if f is None:
        return rm.ProductFilter()
    brand_ids = tuple(i for i in (id_filter(b, "filter.brandIds") for b in f.brand_ids or []) if i)
    attrs = tuple(
        rm.AttributeFilter(attribute_id=attribute_id, values=tuple(a.values))
        for a in f.attributes or []
        if (attribute_id := id_filter(a.attribute_id, "filter.attributes.attributeId")) is not None
    )
    if f.price and f.price.min is not None and f.price.max is not None and f.price.min > f.price.max:
        raise BadUserInput("`price.min` must not exceed `price.max`.", field="filter.price")
    if f.price and ((f.price.min or 0) < 0 or (f.price.max or 0) < 0):
        raise BadUserInput("Price bounds must not be negative.", field="filter.price")
    search = (f.search or "").strip() or None
    if search and len(search) > 200:
        raise BadUserInput("Search text must be at most 200 characters.", field="filter.search")
    return rm.ProductFilter(
        category_id=id_filter(f.category_id, "filter.categoryId"),
        brand_ids=brand_ids,
        seller_id=id_filter(f.seller_id, "filter.sellerId"),
        price_min=f.price.min if f.price else None,
        price_max=f.price.max if f.price else None,
        attributes=attrs,
        in_stock=f.in_stock,
        status=f.status,
        search=search,
    )


def _sort(sort: ProductSort | None) -> rm.ProductSort:
    sort = sort or ProductSort()
    descending = None if sort.direction is None else sort.direction == SortDirection.DESC
    return rm.ProductSort(sort.field, descending)


def _attribute(r: rm.AttributeRecord) -> ProductAttribute:
    return ProductAttribute(id=strawberry.ID(str(r.id)), name=r.name, slug=r.slug)


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        description="Storefront and seller product listing with keyset pagination.", directives=[PAGINATED]
    )
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
        wanted, order = _product_filter(filter), _sort(sort)
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.product_page(view_of(info), wanted, order, page)
        connection = Connection.from_page(rows, Product.from_row)
        await prefetch_relations(info, connection_node_fields(info), connection.nodes)
        return connection

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
        if row is None or not view_of(info).sees(row.status, row.seller_id):
            return None
        return Product.from_row(row)

    @strawberry.field(directives=[PAGINATED])
    async def categories(
        self,
        info: Info,
        filter: CategoryFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Category]:
        wanted = rm.CategoryFilter()
        if filter is not None:
            wanted = rm.CategoryFilter(
                search=filter.search,
                roots_only=bool(filter.roots_only),
                parent_id=id_filter(filter.parent_id, "filter.parentId"),
            )
        page = page_args(info.context, first, after, last, before)
        return Connection.from_page(
            await info.context.services.reads.category_page(wanted, page), Category.from_row
        )

    @strawberry.field
    async def category(
        self, info: Info, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Category | None:
        if (id is None) == (slug is None):
            raise BadUserInput("Pass exactly one of `id` or `slug`.", field="id")
        if id is not None:
            row = await dl.CategoryByIdLoader.of(info.context).load_id(id)
        else:
            row = await info.context.services.reads.category_by_slug(slug or "")
        return Category.from_row(row) if row else None

    @strawberry.field(directives=[PAGINATED])
    async def brands(
        self,
        info: Info,
        filter: NameFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Brand]:
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.brand_page(filter.search if filter else None, page)
        media = info.context.services.media
        return Connection.from_page(rows, lambda r: Brand.from_row(r, media))

    @strawberry.field
    async def brand(self, info: Info, id: strawberry.ID) -> Brand | None:
        row = await dl.BrandByIdLoader.of(info.context).load_id(id)
        return Brand.from_row(row, info.context.services.media) if row else None

    @strawberry.field(directives=[PAGINATED])
    async def attributes(
        self,
        info: Info,
        filter: NameFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductAttribute]:
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.attribute_page(filter.search if filter else None, page)
        return Connection.from_page(rows, _attribute)

    @strawberry.field(description="An attribute definition by id.")
    async def attribute(self, info: Info, id: strawberry.ID) -> ProductAttribute | None:
        row = await dl.AttributeByIdLoader.of(info.context).load_id(id)
        return _attribute(row) if row else None

    @strawberry.field(directives=[PAGINATED])
    async def variants(
        self,
        info: Info,
        filter: VariantFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductVariant]:
        wanted = rm.VariantFilter()
        if filter is not None:
            wanted = rm.VariantFilter(id_filter(filter.product_id, "filter.productId"), filter.sku)
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.variant_page(view_of(info), wanted, page)
        return Connection.from_page(rows, ProductVariant.from_row)

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
        if row is None or not await shows_product(info, row.product_id):
            return None
        return ProductVariant.from_row(row)

    @strawberry.field(directives=[PAGINATED])
    async def product_images(
        self,
        info: Info,
        product_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ProductImage]:
        product = id_filter(product_id, "productId")
        assert product is not None
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.image_page(view_of(info), product, page)
        media = info.context.services.media
        return Connection.from_page(rows, lambda r: ProductImage.from_row(r, media))

    @strawberry.field(description="An image by id (of a product the caller may see).")
    async def product_image(self, info: Info, id: strawberry.ID) -> ProductImage | None:
        return await ProductImage.resolve_reference(info, id)

    @strawberry.federation.field(
        **requires_scopes(CATALOG_WRITE),
        description="Per-warehouse stock rows: sellers see their own products', admins all.",
        directives=[PAGINATED],
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
        principal = info.context.require_role(SELLER)
        wanted = rm.InventoryFilter()
        if filter is not None:
            wanted = rm.InventoryFilter(
                id_filter(filter.variant_id, "filter.variantId"), filter.warehouse, filter.low_stock
            )
        page = page_args(info.context, first, after, last, before)
        seller = None if principal.is_admin else principal.user_id
        rows = await info.context.services.reads.inventory_page(seller, wanted, page)
        return Connection.from_page(rows, InventoryItem.from_row)

    @strawberry.federation.field(**requires_scopes(CATALOG_WRITE))
    async def inventory_item(self, info: Info, id: strawberry.ID) -> InventoryItem | None:
        principal = info.context.require_role(SELLER)
        row = await dl.InventoryByIdLoader.of(info.context).load_id(id)
        if row is None:
            return None
        product = await dl.ProductByIdLoader.of(info.context).load(row.product_id)
        if product is None or not (principal.is_admin or product.seller_id == principal.user_id):
            return None
        return InventoryItem.from_row(row)
