"""Reading the caller's carts: whose cart the request names, with a presented guest cart merged first."""

from __future__ import annotations

from subgraphs.cart.domain.cart import Cart
from subgraphs.cart.graphql.context import CartContext
from subgraphs.cart.graphql.owner import current_owner, forget_guest, guest_owner, presented_token, user_owner
from subgraphs.cart.service_layer.carts import Merged
from subgraphs.platform.kernel.ids import parse_id


async def merge_presented_guest_cart(ctx: CartContext) -> Merged | None:
    """A signed-in request that still carries a guest cart token moves that cart in (once)."""
    user = user_owner(ctx)
    token = presented_token(ctx)
    if user is None or token is None:
        return None
    outcome = await ctx.services.carts.merge(user, guest_owner(token))
    forget_guest(ctx)
    return outcome


async def active_cart(ctx: CartContext, *, create: bool) -> Cart | None:
    """The caller's active cart (users get one on first use; guests only once they added)."""
    await merge_presented_guest_cart(ctx)
    owner = current_owner(ctx)
    if owner is None:
        return None
    return await ctx.services.cart_reads.active_cart(owner, create=create)


async def cart_by_id(ctx: CartContext, raw_id: str) -> Cart | None:
    """Any of the caller's carts (active, merged, checked out); other people's look missing."""
    owner = current_owner(ctx)
    cart_id = parse_id(raw_id)
    if owner is None or cart_id is None:
        return None
    return await ctx.services.cart_reads.cart_by_id(owner, cart_id)
