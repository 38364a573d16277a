"""Catalogue events, published by the products subgraph.

    products.product.v1    product.created | product.updated | product.deleted   key: product id
    products.inventory.v1  inventory.changed                                     key: inventory row id
    products.catalog.v1    catalog.changed (categories, brands, attributes)      key: first id changed
    products.reservation.v1  stock.reserved | stock.rejected (the checkout saga) key: checkout id

Product events say which product changed and where it is listed (`listedIn`: the category
whose storefront count includes it, ACTIVE products only), not its whole state: consumers that
need prices or stock ask the products subgraph, so replays and reordering converge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.platform.kernel.messages import EventContract, Topic

PRODUCT_TOPIC = Topic("products.product.v1", "Product lifecycle, keyed by product id.")
INVENTORY_TOPIC = Topic("products.inventory.v1", "Stock changes per warehouse row, keyed by its id.")
CATALOG_TOPIC = Topic("products.catalog.v1", "Category, brand and attribute changes.")


@dataclass(frozen=True, kw_only=True)
class ProductEvent(EventContract, topic=PRODUCT_TOPIC, aggregate="product", key="product_id"):
    product_id: uuid.UUID
    seller_id: uuid.UUID
    status: str
    category_id: uuid.UUID
    version: int
    listed_in: uuid.UUID | None = None
    listed_in_before: uuid.UUID | None = None
    variants_added: int | None = None
    variant_deleted: uuid.UUID | None = None
    images_added: int | None = None
    image_deleted: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class ProductCreated(ProductEvent, event_type="product.created"):
    pass


@dataclass(frozen=True, kw_only=True)
class ProductUpdated(ProductEvent, event_type="product.updated"):
    pass


@dataclass(frozen=True, kw_only=True)
class ProductDeleted(ProductEvent, event_type="product.deleted"):
    pass


@dataclass(frozen=True, kw_only=True)
class InventoryChanged(
    EventContract,
    event_type="inventory.changed",
    topic=INVENTORY_TOPIC,
    aggregate="inventory",
    key="inventory_id",
):
    inventory_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    warehouse: str
    delta: int
    reason: str
    on_hand: int
    reserved: int
    available: int
    # For low-stock alerts (added later: older events lack them).
    seller_id: uuid.UUID | None = None
    low_stock_threshold: int | None = None
    available_before: int | None = None

    @property
    def crossed_low_stock(self) -> bool:
        """This change took the warehouse's free stock to (or under) its threshold."""
        t, before = self.low_stock_threshold, self.available_before
        return t is not None and before is not None and before > t >= self.available


@dataclass(frozen=True, kw_only=True)
class CatalogChanged(EventContract, event_type="catalog.changed", topic=CATALOG_TOPIC, aggregate="taxonomy"):
    kind: str  # category | brand | attribute
    ids: list[uuid.UUID]

    @property
    def aggregate_id(self) -> uuid.UUID:
        return self.ids[0]


RESERVATION_TOPIC = Topic(
    "products.reservation.v1", "Stock reservations of a checkout, keyed by checkout id."
)


@dataclass(frozen=True, kw_only=True)
class ShortLine:
    """A checkout line the stock could not cover: how many were asked for and how many are free."""

    line_id: uuid.UUID
    variant_id: uuid.UUID
    requested: int
    available: int


@dataclass(frozen=True, kw_only=True)
class ReservationEvent(EventContract, topic=RESERVATION_TOPIC, aggregate="checkout", key="checkout_id"):
    checkout_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class StockReserved(ReservationEvent, event_type="stock.reserved"):
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class StockRejected(ReservationEvent, event_type="stock.rejected"):
    short: list[ShortLine] = field(default_factory=list)
