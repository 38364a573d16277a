"""What order reads return and can be asked (the SQL read model: adapters/order_reads.py)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.orders.domain.checkout import Checkout
from subgraphs.orders.domain.grants import GrantRole, OrderGrant
from subgraphs.orders.domain.orders import Order, OrderStatus, StatusChange
from subgraphs.orders.service_layer.ports import Keys
from subgraphs.platform.kernel.paging import Page, PageArgs


class Scope(enum.Enum):
    PURCHASES = "PURCHASES"  # the caller's own orders, as the buyer
    SALES = "SALES"  # orders of the caller's items, as the seller (only their lines)
    ALL = "ALL"  # every order (admins)


class OrderSort(enum.Enum):
    CREATED_AT = "CREATED_AT"
    GRAND_TOTAL = "GRAND_TOTAL"


@dataclass(frozen=True, slots=True)
class OrderQuery:
    scope: Scope
    buyer_id: uuid.UUID | None = None
    seller_id: uuid.UUID | None = None
    statuses: tuple[OrderStatus, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    sort: OrderSort = OrderSort.CREATED_AT
    descending: bool = True


@dataclass(frozen=True, slots=True)
class ItemQuery:
    scope: Scope
    buyer_id: uuid.UUID | None = None
    seller_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None
    sku: str | None = None
    order_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: uuid.UUID
    order_id: uuid.UUID
    buyer_id: uuid.UUID
    seller_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    sku: str
    title: str
    quantity: int
    unit_price: int
    line_total: int
    currency: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GrantQuery:
    order_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    role: GrantRole | None = None


class OrderReads(Protocol):
    async def keys(self, id: uuid.UUID) -> Keys | None: ...
    async def checkout(self, buyer_id: uuid.UUID, checkout_id: uuid.UUID) -> Checkout | None: ...
    async def order(self, keys: Keys) -> Order | None: ...
    async def orders_of(self, buyer_id: uuid.UUID, checkout_id: uuid.UUID) -> list[Order]: ...
    async def orders(self, query: OrderQuery, page: PageArgs) -> Page[Order]: ...
    async def item(self, keys: Keys) -> ItemRecord | None: ...
    async def items(self, query: ItemQuery, page: PageArgs) -> Page[ItemRecord]: ...
    async def histories(self, orders: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[StatusChange]]:
        """Each (seller id, order id)'s status changes, oldest first, aligned with `orders`."""
        ...

    async def grants(self, query: GrantQuery, page: PageArgs) -> Page[OrderGrant]:
        """Newest first; the user's own when `user_id` is set (their shard), else every user's."""
        ...

    async def grant(self, keys: Keys) -> OrderGrant | None: ...
