"""GraphQL object types of the catalogue (entities carry `@key(fields: "id")`)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Self

import strawberry

from subgraphs.platform.graphql.arguments import present
from subgraphs.platform.graphql.cost import FREE, expected_size
from subgraphs.platform.graphql.types import Money
from subgraphs.products.graphql import loaders as dl
from subgraphs.products.graphql.context import Info, view_of
from subgraphs.products.graphql.enums import ProductStatus
from subgraphs.products.service_layer.media import MediaLinks
from subgraphs.products.service_layer.read_models import (
    BrandRecord,
    CategoryRecord,
    ImageRecord,
    InventoryRecord,
    ProductRecord,
    VariantRecord,
)


async def shows_product(info: Info, product_id: uuid.UUID) -> bool:
    """Whether the caller may see the product (a variant's or an image's visibility is its product's)."""
    product = await dl.ProductByIdLoader.of(info.context).load(product_id)
    return product is not None and view_of(info).sees(product.status, product.seller_id)


@strawberry.type(directives=[FREE])
class PriceRange:
    min: Money
    max: Money


@strawberry.type(directives=[FREE])
class VariantOption:
    name: str
    value: str


@strawberry.type(description="Real-time stock of a variant over all warehouses (never cached).")
class StockSummary:
    on_hand: int
    reserved: int
    available: int
    in_stock: bool


@strawberry.federation.type(keys=["id"], description="A sellable item listed by one seller.")
class Product:
    id: strawberry.ID
    seller_id: strawberry.ID
    title: str
    slug: str
    description: str
    status: ProductStatus
    currency: str
    price_range: PriceRange
    popularity: int
    version: int
    created_at: datetime
    updated_at: datetime
    category_id: strawberry.Private[uuid.UUID]
    brand_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: ProductRecord) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            seller_id=strawberry.ID(str(r.seller_id)),
            title=r.title,
            slug=r.slug,
            description=r.description,
            status=ProductStatus(r.status),
            currency=r.currency,
            price_range=PriceRange(
                min=Money(amount=r.min_price, currency=r.currency),
                max=Money(amount=r.max_price, currency=r.currency),
            ),
            popularity=r.popularity,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            category_id=r.category_id,
            brand_id=r.brand_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Product | None:
        row = await dl.ProductByIdLoader.of(info.context).load_id(id)
        return (
            cls.from_row(row) if row is not None and view_of(info).sees(row.status, row.seller_id) else None
        )

    # Plain functions over DataLoaders (`now_or_later`): a listing prefetches these for its
    # whole page (`prefetch_relations`), so they complete without a coroutine each.

    @strawberry.field
    def category(self, info: Info) -> Category:
        return dl.CategoryByIdLoader.of(info.context).now_or_later(self.category_id, _category)

    @strawberry.field
    def brand(self, info: Info) -> Brand | None:
        if self.brand_id is None:
            return None
        media = info.context.services.media
        return dl.BrandByIdLoader.of(info.context).now_or_later(
            self.brand_id, lambda row: Brand.from_row(row, media) if row else None
        )

    @strawberry.field(
        description="Variants in display order (at most 100 per product).", directives=[expected_size(10)]
    )
    def variants(self, info: Info) -> list[ProductVariant]:
        return dl.VariantsByProductIdLoader.of(info.context).now_or_later(uuid.UUID(self.id), _variants)

    @strawberry.field(
        description="Images in display order (at most 50 per product).", directives=[expected_size(10)]
    )
    def images(self, info: Info) -> list[ProductImage]:
        media = info.context.services.media
        return dl.ImagesByProductIdLoader.of(info.context).now_or_later(
            uuid.UUID(self.id), lambda rows: [ProductImage.from_row(r, media) for r in rows]
        )

    @strawberry.field(directives=[expected_size(10)])
    async def attributes(self, info: Info) -> list[ProductAttributeValue]:
        rows = await dl.AttributeValuesByProductIdLoader.of(info.context).load(uuid.UUID(self.id))
        return [
            ProductAttributeValue(
                attribute=ProductAttribute(id=strawberry.ID(str(r.id)), name=r.name, slug=r.slug),
                value=r.value,
            )
            for r in rows
        ]


@strawberry.federation.type(keys=["id"], description="A purchasable version of a product (size, colour…).")
class ProductVariant:
    id: strawberry.ID
    sku: str
    title: str
    price: Money
    compare_at_price: Money | None
    options: list[VariantOption]
    position: int
    product_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: VariantRecord) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            sku=r.sku,
            title=r.title,
            price=Money(amount=r.price, currency=r.currency),
            compare_at_price=Money(amount=r.compare_at_price, currency=r.currency)
            if r.compare_at_price is not None
            else None,
            options=[VariantOption(name=k, value=str(v)) for k, v in r.options.items()],
            position=r.position,
            product_id=r.product_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> ProductVariant | None:
        row = await dl.VariantByIdLoader.of(info.context).load_id(id)
        return cls.from_row(row) if row is not None and await shows_product(info, row.product_id) else None

    @strawberry.field
    async def product(self, info: Info) -> Product:
        row = await dl.ProductByIdLoader.of(info.context).load(self.product_id)
        return Product.from_row(present(row, "product"))

    @strawberry.field(description="Real-time stock summed over warehouses; never cached.")
    async def stock(self, info: Info) -> StockSummary:
        rows = await dl.InventoryByVariantIdLoader.of(info.context).load(uuid.UUID(self.id))
        on_hand = sum(r.on_hand for r in rows)
        reserved = sum(r.reserved for r in rows)
        return StockSummary(
            on_hand=on_hand, reserved=reserved, available=on_hand - reserved, in_stock=on_hand > reserved
        )


@strawberry.federation.type(keys=["id"])
class ProductImage:
    id: strawberry.ID
    url: str = strawberry.field(description="CDN URL of the image.")
    alt: str
    position: int
    width: int | None
    height: int | None
    product_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: ImageRecord, media: MediaLinks) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            url=media.url(r.storage_key),
            alt=r.alt,
            position=r.position,
            width=r.width,
            height=r.height,
            product_id=r.product_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> ProductImage | None:
        row = await dl.ImageByIdLoader.of(info.context).load_id(id)
        if row is None or not await shows_product(info, row.product_id):
            return None
        return cls.from_row(row, info.context.services.media)

    @strawberry.field
    async def product(self, info: Info) -> Product:
        row = await dl.ProductByIdLoader.of(info.context).load(self.product_id)
        return Product.from_row(present(row, "product"))


@strawberry.federation.type(keys=["id"], description="A node of the category tree.")
class Category:
    id: strawberry.ID
    name: str
    slug: str
    depth: int
    position: int
    parent_id: strawberry.Private[uuid.UUID | None]
    path: strawberry.Private[str]

    @classmethod
    def from_row(cls, r: CategoryRecord) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            name=r.name,
            slug=r.slug,
            depth=r.depth,
            position=r.position,
            parent_id=r.parent_id,
            path=r.path,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Category | None:
        row = await dl.CategoryByIdLoader.of(info.context).load_id(id)
        return cls.from_row(row) if row else None

    @strawberry.field
    async def parent(self, info: Info) -> Category | None:
        if self.parent_id is None:
            return None
        row = await dl.CategoryByIdLoader.of(info.context).load(self.parent_id)
        return Category.from_row(row) if row else None

    @strawberry.field(directives=[expected_size(20)])
    async def children(self, info: Info) -> list[Category]:
        rows = await dl.ChildCategoriesLoader.of(info.context).load(uuid.UUID(self.id))
        return [Category.from_row(r) for r in rows]

    @strawberry.field(
        description="From the root down to the parent (a breadcrumb).", directives=[expected_size(4)]
    )
    async def ancestors(self, info: Info) -> list[Category]:
        ids = [uuid.UUID(p) for p in self.path.strip("/").split("/")[:-1]]
        rows = await dl.CategoryByIdLoader.of(info.context).load_many(ids)
        return [Category.from_row(r) for r in rows if r is not None]

    @strawberry.field(
        description="ACTIVE products in this category and its descendants; kept from product "
        "events, so it trails writes by about a second."
    )
    async def product_count(self, info: Info) -> int:
        return int(await dl.ProductCountByCategoryLoader.of(info.context).load(uuid.UUID(self.id)))


@strawberry.federation.type(keys=["id"])
class Brand:
    id: strawberry.ID
    name: str
    slug: str
    logo_url: str | None

    @classmethod
    def from_row(cls, r: BrandRecord, media: MediaLinks) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)),
            name=r.name,
            slug=r.slug,
            logo_url=media.url(r.logo_key) if r.logo_key else None,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Brand | None:
        row = await dl.BrandByIdLoader.of(info.context).load_id(id)
        return cls.from_row(row, info.context.services.media) if row else None


@strawberry.type(description="An attribute definition such as Colour or Material.")
class ProductAttribute:
    id: strawberry.ID
    name: str
    slug: str


@strawberry.type
class ProductAttributeValue:
    attribute: ProductAttribute
    value: str


@strawberry.type(description="Stock of one variant in one warehouse (real time, never cached).")
class InventoryItem:
    id: strawberry.ID
    warehouse: str
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    is_low_stock: bool
    updated_at: datetime
    variant_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: InventoryRecord) -> Self:
        available = r.on_hand - r.reserved
        return cls(
            id=strawberry.ID(str(r.id)),
            warehouse=r.warehouse,
            on_hand=r.on_hand,
            reserved=r.reserved,
            available=available,
            low_stock_threshold=r.low_stock_threshold,
            is_low_stock=available <= r.low_stock_threshold,
            updated_at=r.updated_at,
            variant_id=r.variant_id,
        )

    @strawberry.field
    async def variant(self, info: Info) -> ProductVariant:
        row = await dl.VariantByIdLoader.of(info.context).load(self.variant_id)
        return ProductVariant.from_row(present(row, "variant"))


def _category(row: CategoryRecord | None) -> Category:
    return Category.from_row(present(row, "category"))


def _variants(rows: list[VariantRecord]) -> list[ProductVariant]:
    return [ProductVariant.from_row(r) for r in rows]


async def prefetch_relations(info: Info, selected: set[str], products: list[Product]) -> None:
    """The relations a page's products are asked for, loaded for all of them at once (the same
    batches the fields would make), so each product's fields complete at once."""
    ctx = info.context
    loads = []
    if "category" in selected:
        loads.append(dl.CategoryByIdLoader.of(ctx).prefetch({p.category_id for p in products}))
    if "brand" in selected:
        brands = {p.brand_id for p in products if p.brand_id is not None}
        loads.append(dl.BrandByIdLoader.of(ctx).prefetch(brands))
    ids = [uuid.UUID(p.id) for p in products]
    if "variants" in selected:
        loads.append(dl.VariantsByProductIdLoader.of(ctx).prefetch(ids))
    if "images" in selected:
        loads.append(dl.ImagesByProductIdLoader.of(ctx).prefetch(ids))
    await asyncio.gather(*loads)
