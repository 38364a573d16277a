"""The orders subgraph's object types. What a field shows depends on who looks (`Seen.as_`):
the buyer and admins see everything; the seller sees their own order and, of the buyer, only
what a shipment needs (no buyer id, no phone, no checkout and so no other seller's lines)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.contracts.addresses import Address as AddressValue
from subgraphs.orders.domain import checkout as ck
from subgraphs.orders.domain import orders as od
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.graphql.loaders import HistoryByOrderLoader, ShipmentsByOrderLoader
from subgraphs.orders.graphql.shipments import Shipment
from subgraphs.orders.service_layer.orders import Seen
from subgraphs.orders.service_layer.read_models import ItemRecord
from subgraphs.platform.graphql.cost import FREE, expected_size
from subgraphs.platform.graphql.types import Money
from subgraphs.platform.kernel.ids import parse_id

strawberry.enum(od.OrderStatus, description="Where a seller order is in its lifecycle.")
strawberry.enum(od.Actor, name="OrderActor", description="Who made a status change.")
strawberry.enum(
    ck.CheckoutStatus,
    description="PROCESSING until the stock and the payment answer; then COMPLETED or FAILED.",
)


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class ProductVariant:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Product:
    id: strawberry.ID


@strawberry.type(directives=[FREE], description="Where an order goes (a copy taken at checkout).")
class OrderAddress:
    name: str
    line1: str
    line2: str | None
    city: str
    region: str | None
    postal_code: str
    country: str
    phone: str | None = strawberry.field(description="The buyer's and admins' view only.")

    @classmethod
    def of(cls, address: AddressValue, as_: od.Actor) -> OrderAddress:
        return cls(
            name=address.name,
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country=address.country,
            phone=None if as_ is od.Actor.SELLER else address.phone,
        )


@strawberry.type(directives=[FREE])
class OrderStatusChange:
    from_status: od.OrderStatus | None
    to_status: od.OrderStatus
    actor: od.Actor
    note: str | None
    at: datetime


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"))], description="One line of a seller order.")
class OrderItem:
    id: strawberry.ID
    order_id: strawberry.ID
    seller_id: strawberry.ID
    sku: str
    title: str
    quantity: int
    unit_price: Money
    line_total: Money
    variant: ProductVariant
    product: Product
    created_at: datetime

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> OrderItem | None:
        item_id = parse_id(id)
        found = await info.context.services.queries.item(info.context.principal, item_id) if item_id else None
        return cls.of_record(found) if found else None

    @classmethod
    def of_record(cls, r: ItemRecord) -> OrderItem:
        return cls(
            id=strawberry.ID(str(r.id)),
            order_id=strawberry.ID(str(r.order_id)),
            seller_id=strawberry.ID(str(r.seller_id)),
            sku=r.sku,
            title=r.title,
            quantity=r.quantity,
            unit_price=Money(amount=r.unit_price, currency=r.currency),
            line_total=Money(amount=r.line_total, currency=r.currency),
            variant=ProductVariant(id=strawberry.ID(str(r.variant_id))),
            product=Product(id=strawberry.ID(str(r.product_id))),
            created_at=r.created_at,
        )

    @classmethod
    def of_line(cls, order: od.Order, line: od.OrderLine) -> OrderItem:
        return cls.of_record(
            ItemRecord(
                id=line.id,
                order_id=order.id,
                buyer_id=order.buyer_id,
                seller_id=order.seller_id,
                product_id=line.product_id,
                variant_id=line.variant_id,
                sku=line.sku,
                title=line.title,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
                currency=line.currency,
                created_at=order.created_at,
            )
        )


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"))], description="One seller's part of a checkout.")
class Order:
    id: strawberry.ID
    status: od.OrderStatus
    seller_id: strawberry.ID
    buyer_id: strawberry.ID | None = strawberry.field(description="The buyer's and admins' view only.")
    checkout_id: strawberry.ID | None = strawberry.field(description="The buyer's and admins' view only.")
    currency: str
    items: list[OrderItem] = strawberry.field(directives=[expected_size(5)])
    items_count: int
    lines_total: Money
    shipping_total: Money
    grand_total: Money
    shipping_address: OrderAddress
    version: int
    created_at: datetime
    updated_at: datetime
    _order: strawberry.Private[od.Order]

    @strawberry.field(description="Every status change, oldest first.", directives=[expected_size(6)])
    async def history(self, info: Info) -> list[OrderStatusChange]:
        changes = await HistoryByOrderLoader.of(info.context).load((self._order.seller_id, self._order.id))
        return [
            OrderStatusChange(
                from_status=c.from_status, to_status=c.to_status, actor=c.actor, note=c.note, at=c.at
            )
            for c in changes
        ]

    @strawberry.field(description="The parcels of this order, oldest first.", directives=[expected_size(2)])
    async def shipments(self, info: Info) -> list[Shipment]:
        found = await ShipmentsByOrderLoader.of(info.context).load((self._order.seller_id, self._order.id))
        return [Shipment.of(s) for s in found]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Order | None:
        order_id = parse_id(id)
        seen = (
            await info.context.services.queries.order(info.context.principal, order_id) if order_id else None
        )
        return cls.of(seen) if seen else None

    @classmethod
    def of(cls, seen: Seen) -> Order:
        o, as_ = seen.order, seen.as_
        private = as_ is od.Actor.SELLER
        return cls(
            id=strawberry.ID(str(o.id)),
            status=o.status,
            seller_id=strawberry.ID(str(o.seller_id)),
            buyer_id=None if private else strawberry.ID(str(o.buyer_id)),
            checkout_id=None if private else strawberry.ID(str(o.checkout_id)),
            currency=o.currency,
            items=[OrderItem.of_line(o, line) for line in o.lines],
            items_count=sum(line.quantity for line in o.lines),
            lines_total=Money(amount=o.lines_total, currency=o.currency),
            shipping_total=Money(amount=o.shipping_total, currency=o.currency),
            grand_total=Money(amount=o.grand_total, currency=o.currency),
            shipping_address=OrderAddress.of(o.shipping_address, as_),
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
            _order=o,
        )


@strawberry.type(directives=[FREE], description="Why a checkout failed, line by line where it applies.")
class CheckoutProblem:
    item_id: strawberry.ID | None
    variant_id: strawberry.ID | None
    requested: int | None
    available: int | None
    decline_code: str | None


@strawberry.federation.type(
    keys=[Key(fields=FieldSet("id"))],
    description="A buyer's checkout: one order per seller (the order group).",
)
class Checkout:
    id: strawberry.ID
    status: ck.CheckoutStatus
    failure_code: str | None = strawberry.field(
        description="Why it FAILED: OUT_OF_STOCK, PAYMENT_DECLINED, PAYMENT_TIMEOUT or EXPIRED."
    )
    problems: list[CheckoutProblem]
    currency: str
    lines_total: Money
    shipping_total: Money
    grand_total: Money
    shipping_address: OrderAddress
    created_at: datetime
    updated_at: datetime
    _checkout: strawberry.Private[ck.Checkout]
    _orders: strawberry.Private[asyncio.Future[list[od.Order]] | None] = None

    @strawberry.field(
        description="The seller orders (none before the stock is held).", directives=[expected_size(3)]
    )
    async def orders(self, info: Info) -> list[Order]:
        return [Order.of(Seen(o, od.Actor.BUYER)) for o in await self._orders_of(info)]

    @strawberry.field(
        description="Derived from the orders: the least advanced of those not cancelled (the group is as "
        "far as its slowest order), CANCELLED when all are, null before any order exists."
    )
    async def orders_status(self, info: Info) -> od.OrderStatus | None:
        return od.group_status([o.status for o in await self._orders_of(info)])

    def _orders_of(self, info: Info) -> asyncio.Future[list[od.Order]]:
        """The checkout's orders, read once however many of its fields ask (even concurrently)."""
        if self._orders is None:
            self._orders = asyncio.ensure_future(info.context.services.queries.orders_of(self._checkout))
        return self._orders

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Checkout | None:
        checkout_id = parse_id(id)
        found = (
            await info.context.services.queries.checkout(info.context.principal, checkout_id)
            if checkout_id
            else None
        )
        return cls.of(found) if found else None

    @classmethod
    def of(cls, c: ck.Checkout) -> Checkout:
        def text(d: dict[str, object], key: str) -> strawberry.ID | None:
            value = d.get(key)
            return strawberry.ID(str(value)) if value is not None else None

        def number(d: dict[str, object], key: str) -> int | None:
            value = d.get(key)
            return int(value) if isinstance(value, int) else None

        return cls(
            id=strawberry.ID(str(c.id)),
            status=c.status,
            failure_code=c.failure_code,
            problems=[
                CheckoutProblem(
                    item_id=text(d, "itemId"),
                    variant_id=text(d, "variantId"),
                    requested=number(d, "requested"),
                    available=number(d, "available"),
                    decline_code=str(d["declineCode"]) if d.get("declineCode") else None,
                )
                for d in c.failure_detail
            ],
            currency=c.currency,
            lines_total=Money(amount=c.lines_total, currency=c.currency),
            shipping_total=Money(amount=c.shipping_total, currency=c.currency),
            grand_total=Money(amount=c.grand_total, currency=c.currency),
            shipping_address=OrderAddress.of(c.shipping_address, od.Actor.BUYER),
            created_at=c.created_at,
            updated_at=c.updated_at,
            _checkout=c,
        )
