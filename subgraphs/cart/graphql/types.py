"""Cart GraphQL types. Product data is not ours: `variant` and `product` are entity references
the router fills in from the products subgraph (titles, images, live stock)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.cart.domain import model
from subgraphs.cart.domain.cart import Cart as CartAggregate
from subgraphs.cart.graphql.context import Info
from subgraphs.cart.graphql.reads import cart_by_id
from subgraphs.platform.graphql.cost import expected_size
from subgraphs.platform.graphql.types import Money


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class ProductVariant:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Product:
    id: strawberry.ID


strawberry.enum(
    model.LineProblem,
    name="CartItemProblem",
    description="Why a line cannot be bought as it stands (it stays in the cart, flagged).",
)
strawberry.enum(model.CartStatus, name="CartStatus")


@strawberry.type(description="One variant in a cart. Prices are integer minor units.")
class CartItem:
    id: strawberry.ID
    quantity: int
    seller_id: strawberry.ID
    unit_price: Money = strawberry.field(description="The latest price the catalogue published.")
    price_at_add: Money = strawberry.field(description="The price when the buyer added it.")
    line_total: Money
    available_quantity: int = strawberry.field(description="Stock when the line was last refreshed.")
    problems: list[model.LineProblem]
    variant: ProductVariant
    product: Product
    added_at: datetime
    updated_at: datetime

    @classmethod
    def from_line(cls, line: model.CartLine) -> CartItem:
        return cls(
            id=strawberry.ID(str(line.id)),
            quantity=line.quantity,
            seller_id=strawberry.ID(str(line.seller_id)),
            unit_price=Money(amount=line.unit_price, currency=line.currency),
            price_at_add=Money(amount=line.price_at_add, currency=line.currency),
            line_total=Money(amount=line.line_total, currency=line.currency),
            available_quantity=max(line.available, 0),
            problems=line.problems,
            variant=ProductVariant(id=strawberry.ID(str(line.variant_id))),
            product=Product(id=strawberry.ID(str(line.product_id))),
            added_at=line.added_at or datetime.min,
            updated_at=line.updated_at or datetime.min,
        )


@strawberry.type(description="What the buyer owes one seller (orders are split per seller).")
class CartSellerGroup:
    seller_id: strawberry.ID
    subtotal: Money
    items_count: int
    items: list[CartItem] = strawberry.field(directives=[expected_size(10)])


def _counted(line: model.CartLine) -> bool:
    return not line.unavailable and line.available > 0


@strawberry.federation.type(
    keys=["id"],
    description="A cart: at most 100 lines, one currency. Totals count lines that can be bought "
    "(not unavailable, not out of stock) at the latest catalogue price; checkout prices them again.",
)
class Cart:
    id: strawberry.ID
    status: model.CartStatus
    version: int = strawberry.field(description="Bumped by every change; pass it as `expectedVersion`.")
    currency: str | None
    items: list[CartItem] = strawberry.field(
        description="Every line, oldest first.", directives=[expected_size(20)]
    )
    items_count: int = strawberry.field(description="Units across lines that can be bought.")
    subtotal: Money | None
    sellers: list[CartSellerGroup] = strawberry.field(directives=[expected_size(3)])
    has_problems: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Cart | None:
        cart = await cart_by_id(info.context, id)
        return cls.from_cart(cart) if cart else None

    @classmethod
    def from_cart(cls, cart: CartAggregate) -> Cart:
        items = [CartItem.from_line(line) for line in cart.lines]
        counted = [line for line in cart.lines if _counted(line)]
        currency = cart.currency or ""
        groups: dict[str, list[tuple[model.CartLine, CartItem]]] = defaultdict(list)
        for line, item in zip(cart.lines, items, strict=True):
            groups[str(line.seller_id)].append((line, item))
        return cls(
            id=strawberry.ID(str(cart.id)),
            status=cart.status,
            version=cart.version,
            currency=cart.currency,
            items=items,
            items_count=sum(line.quantity for line in counted),
            subtotal=Money(amount=sum(line.line_total for line in counted), currency=currency)
            if cart.currency
            else None,
            sellers=[
                CartSellerGroup(
                    seller_id=strawberry.ID(seller),
                    subtotal=Money(
                        amount=sum(line.line_total for line, _ in pairs if _counted(line)), currency=currency
                    ),
                    items_count=sum(line.quantity for line, _ in pairs if _counted(line)),
                    items=[item for _, item in pairs],
                )
                for seller, pairs in groups.items()
            ],
            has_problems=any(line.problems for line in cart.lines),
            created_at=cart.created_at or datetime.min,
            updated_at=cart.updated_at or datetime.min,
        )
