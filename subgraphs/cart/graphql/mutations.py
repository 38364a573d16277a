"""Cart mutations. Each returns the cart after the change (or, after a version conflict, the
current cart so the client can reconcile) with `userErrors`; nothing is written on an error."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence

import strawberry

from subgraphs.cart.domain.cart import LineRequest
from subgraphs.cart.domain.errors import InvalidCartToken, StaleCartVersion, VariantUnavailable
from subgraphs.cart.domain.model import Owner
from subgraphs.cart.graphql.context import CartContext, Info
from subgraphs.cart.graphql.owner import current_owner, guest_owner, new_cart_token, remember_guest
from subgraphs.cart.graphql.reads import merge_presented_guest_cart
from subgraphs.cart.graphql.types import Cart, CartItem
from subgraphs.cart.service_layer.carts import CartChange
from subgraphs.platform.graphql.arguments import parse_ids
from subgraphs.platform.graphql.cost import FREE, expected_size
from subgraphs.platform.graphql.mutations import expected_errors
from subgraphs.platform.graphql.types import UserError, user_errors_from
from subgraphs.platform.kernel.errors import AppError, NotFound
from subgraphs.platform.kernel.results import InputErrors

IDEMPOTENCY = (
    "A retry with the same key (and the same items) replays the first result instead of adding twice."
)
VERSION = "When given, the change is refused with STALE_CART_VERSION unless the cart is at this version."


@strawberry.type
class CartPayload:
    cart: Cart | None
    items: list[CartItem] = strawberry.field(
        description="The lines this call added or changed.", directives=[expected_size(5)]
    )
    cart_token: str | None = strawberry.field(
        description="A new guest cart token (also set as the `cart_token` cookie): send it as "
        "`x-cart-token` from now on, and sign in to merge the cart into your account."
    )
    replayed: bool = strawberry.field(description="True when an idempotency key replayed an earlier add.")
    user_errors: list[UserError]


@strawberry.type(directives=[FREE])
class CartMergeAdjustment:
    variant_id: strawberry.ID
    requested: int
    kept: int
    reason: str = strawberry.field(description="LINE_LIMIT, STOCK, CART_FULL, CURRENCY or UNAVAILABLE.")


@strawberry.type
class MergeGuestCartPayload:
    cart: Cart | None
    merged_items_count: int
    adjustments: list[CartMergeAdjustment]
    user_errors: list[UserError]


@strawberry.input
class CartItemAddInput:
    variant_id: strawberry.ID
    quantity: int = 1


@strawberry.input
class CartItemUpdateInput:
    id: strawberry.ID
    quantity: int


def _ids(raw: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    """Cart item ids; a malformed one is "not found" (like someone else's)."""
    return parse_ids(raw, field, lambda path: NotFound("Cart item not found.", field=path))


async def run_cart_change(
    info: Info, write: Callable[[Owner], Awaitable[CartChange]], *, guest_may_start: bool = False
) -> CartPayload:
    ctx = info.context
    try:
        await merge_presented_guest_cart(ctx)
        owner, token = current_owner(ctx), None
        if owner is None:
            if not guest_may_start:
                raise InputErrors([NotFound("Cart item not found.", field="id")])
            token = new_cart_token()
            owner = guest_owner(token)
        change = await write(owner)
    except (InputErrors, InvalidCartToken) as exc:
        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        return CartPayload(
            cart=await _current(ctx, errors),
            items=[],
            cart_token=None,
            replayed=False,
            user_errors=expected_errors(exc),
        )
    if token is not None:
        remember_guest(ctx, token)
    touched = set(change.line_ids)
    return CartPayload(
        cart=Cart.from_cart(change.cart),
        items=[CartItem.from_line(line) for line in change.cart.lines if line.id in touched],
        cart_token=token,
        replayed=change.replayed,
        user_errors=[],
    )


async def _current(ctx: CartContext, errors: Sequence[AppError]) -> Cart | None:
    """After a version conflict the payload carries the cart as it is now."""
    owner = current_owner(ctx)
    if owner is None or not any(isinstance(e, StaleCartVersion) for e in errors):
        return None
    cart = await ctx.services.cart_reads.active_cart(owner, create=False)
    return Cart.from_cart(cart) if cart else None


def _variant_ids(raw: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    return parse_ids(
        raw,
        field,
        lambda path: VariantUnavailable(
            "This product variant does not exist or is not for sale.", field=path
        ),
    )


@strawberry.type
class CartMutation:
    @strawberry.mutation(
        description="Add a variant (quantity 1-99; adding it again adds to its line). Guests without a "
        f"cart token get one. {IDEMPOTENCY} {VERSION}"
    )
    async def add_to_cart(
        self,
        info: Info,
        variant_id: strawberry.ID,
        quantity: int = 1,
        idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            [variant] = _variant_ids([variant_id], "variantId")
            return await info.context.services.carts.add(
                owner,
                [LineRequest(variant, quantity)],
                idempotency_key=idempotency_key,
                expected_version=expected_version,
            )

        return await run_cart_change(info, write, guest_may_start=True)

    @strawberry.mutation(
        description=f"Add up to 50 variants at once, all or nothing. {IDEMPOTENCY} {VERSION}"
    )
    async def cart_items_bulk_add(
        self,
        info: Info,
        items: list[CartItemAddInput],
        idempotency_key: str | None = None,
        expected_version: int | None = None,
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            variants = _variant_ids([i.variant_id for i in items], "items.{i}.variantId")
            requests = [LineRequest(v, i.quantity) for v, i in zip(variants, items, strict=True)]
            return await info.context.services.carts.add(
                owner,
                requests,
                idempotency_key=idempotency_key,
                expected_version=expected_version,
                prefix="items",
            )

        return await run_cart_change(info, write, guest_may_start=True)

    @strawberry.mutation(description=f"Set a line's quantity (1-99; use removeCartItem to remove). {VERSION}")
    async def update_cart_item(
        self, info: Info, id: strawberry.ID, quantity: int, expected_version: int | None = None
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            [line] = _ids([id], "id")
            return await info.context.services.carts.update(
                owner, [(line, quantity)], expected_version=expected_version
            )

        return await run_cart_change(info, write)

    @strawberry.mutation(description=f"Set several lines' quantities, all or nothing. {VERSION}")
    async def cart_items_bulk_update(
        self, info: Info, items: list[CartItemUpdateInput], expected_version: int | None = None
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            lines = _ids([i.id for i in items], "items.{i}.id")
            changes = [(line, i.quantity) for line, i in zip(lines, items, strict=True)]
            return await info.context.services.carts.update(
                owner, changes, expected_version=expected_version, prefix="items"
            )

        return await run_cart_change(info, write)

    @strawberry.mutation(description=f"Remove a line. {VERSION}")
    async def remove_cart_item(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            return await info.context.services.carts.remove(
                owner, _ids([id], "id"), expected_version=expected_version
            )

        return await run_cart_change(info, write)

    @strawberry.mutation(description=f"Remove several lines, all or nothing. {VERSION}")
    async def cart_items_bulk_remove(
        self, info: Info, ids: list[strawberry.ID], expected_version: int | None = None
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            return await info.context.services.carts.remove(
                owner,
                _ids(ids, "ids.{i}"),
                expected_version=expected_version,
                prefix="ids",
            )

        return await run_cart_change(info, write)

    @strawberry.federation.mutation(
        authenticated=True,
        description="Move a guest cart into yours: quantities of the same variant are summed, then capped "
        "at 99 per line and by stock; lines that do not fit (currency, 100 lines) are reported. Any "
        "signed-in cart call that still carries the guest token merges it the same way.",
    )
    async def merge_guest_cart(self, info: Info, cart_token: str) -> MergeGuestCartPayload:
        user = Owner.user(info.context.require_principal().user_id)
        try:
            guest = guest_owner(cart_token)
        except InvalidCartToken as exc:
            return MergeGuestCartPayload(
                cart=None, merged_items_count=0, adjustments=[], user_errors=user_errors_from([exc])
            )
        outcome = await info.context.services.carts.merge(user, guest)
        if outcome is None:
            cart = await info.context.services.carts.open(user)
            return MergeGuestCartPayload(
                cart=Cart.from_cart(cart), merged_items_count=0, adjustments=[], user_errors=[]
            )
        return MergeGuestCartPayload(
            cart=Cart.from_cart(outcome.cart),
            merged_items_count=outcome.merged_lines,
            adjustments=[
                CartMergeAdjustment(
                    variant_id=strawberry.ID(str(a.variant_id)),
                    requested=a.requested,
                    kept=a.kept,
                    reason=a.reason,
                )
                for a in outcome.adjustments
            ],
            user_errors=[],
        )
