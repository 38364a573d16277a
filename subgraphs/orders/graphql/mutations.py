"""Checkout and order mutations. Each returns its object with `userErrors`; nothing is written on an error."""

from __future__ import annotations

import strawberry

from subgraphs.orders.domain.orders import OrderStatus as Status
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.graphql.types import Checkout, Order
from subgraphs.orders.service_layer.checkouts import CheckoutCommand
from subgraphs.platform.graphql.arguments import optional_uuid_arg, uuid_arg
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import UserError


@strawberry.input(description="Where the orders go: fields as on a parcel label.")
class AddressInput:
    name: str
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. DE.")
    phone: str | None = None


@strawberry.input(description="A saved address of yours (`addressId`) or an address; exactly one.")
class ShippingAddressInput:
    address_id: strawberry.ID | None = None
    address: AddressInput | None = None


@strawberry.input
class CheckoutInput:
    shipping_address: ShippingAddressInput
    idempotency_key: str = strawberry.field(
        description="A retry with the same key (and body) returns the same checkout instead of buying twice."
    )
    expected_cart_version: int = strawberry.field(
        description="The cart version you reviewed: STALE_CART_VERSION when the cart changed since."
    )
    payment_method: str = strawberry.field(
        default="pm_card_visa", description="The card processor's payment method token."
    )


@strawberry.type
class CheckoutPayload:
    checkout: Checkout | None
    user_errors: list[UserError]


@strawberry.type
class OrderPayload:
    order: Order | None
    user_errors: list[UserError]


def _command(input: CheckoutInput) -> CheckoutCommand:
    given = input.shipping_address
    address_id = optional_uuid_arg(given.address_id, "shippingAddress.addressId")
    inline = None
    if given.address is not None:
        a = given.address
        inline = {
            "name": a.name,
            "line1": a.line1,
            "line2": a.line2,
            "city": a.city,
            "region": a.region,
            "postal_code": a.postal_code,
            "country": a.country,
            "phone": a.phone,
        }
    return CheckoutCommand(
        idempotency_key=input.idempotency_key,
        expected_cart_version=input.expected_cart_version,
        payment_method=input.payment_method,
        address_id=address_id,
        address=inline,
    )


@strawberry.type
class OrdersMutation:
    @strawberry.federation.mutation(
        authenticated=True,
        description="Buys your cart: one checkout, one order per seller. Answers within seconds with the "
        "placed orders (COMPLETED), a FAILED checkout and its code, or PROCESSING (ask `checkout(id)`).",
    )
    async def checkout(self, info: Info, input: CheckoutInput) -> CheckoutPayload:
        ctx = info.context
        principal = ctx.require_principal()
        authorization = ctx.request.headers.get("authorization", "")
        found, errors = await user_errors(
            lambda: ctx.services.checkouts.checkout(principal, authorization, _command(input))
        )
        return CheckoutPayload(checkout=Checkout.of(found) if found else None, user_errors=errors)

    @strawberry.federation.mutation(
        authenticated=True,
        description="Cancels an order before it ships (its buyer, seller or an admin); refunds a paid one.",
    )
    async def order_cancel(self, info: Info, id: strawberry.ID, reason: str | None = None) -> OrderPayload:
        return await _move(info, id, Status.CANCELLED, reason)

    @strawberry.federation.mutation(
        authenticated=True,
        description="Moves an order on: its seller accepts (PROCESSING) and ships (SHIPPED); admins make any "
        "legal move. ILLEGAL_TRANSITION otherwise.",
    )
    async def order_update_status(
        self,
        info: Info,
        id: strawberry.ID,
        status: Status,
        note: str | None = None,
    ) -> OrderPayload:
        return await _move(info, id, status, note)


async def _move(info: Info, raw_id: strawberry.ID, to: Status, note: str | None) -> OrderPayload:
    ctx = info.context
    principal = ctx.require_principal()
    seen, errors = await user_errors(
        lambda: ctx.services.actions.move(principal, uuid_arg(raw_id, "id"), to, note, ctx.request_id)
    )
    return OrderPayload(order=Order.of(seen) if seen else None, user_errors=errors)
