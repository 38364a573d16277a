"""Reading carts for resolvers: the Redis-cached active cart, lazy guest merging, carts by id."""

from __future__ import annotations

from typing import Any

from subgraphs.cart.adapters.cart_cache import CartCache
from subgraphs.cart.domain.model import Cart
from subgraphs.cart.graphql.owner import current_owner, forget_guest, guest_owner, presented_token, user_owner
from subgraphs.cart.graphql.wiring import CART_CACHE, CARTS, UOW
from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.guest_merge import MergeOutcome
from subgraphs.cart.service_layer.ports import Owner
from subgraphs.platform.context import Context
from subgraphs.platform.ids import parse_id


def carts(ctx: Context) -> Carts:
    service: Carts = ctx.services[CARTS]
    return service


def new_uow(ctx: Context) -> Any:
    return ctx.services[UOW]()


async def merge_presented_guest_cart(ctx: Context) -> MergeOutcome | None:
    """A signed-in request that still carries a guest cart token moves that cart in (once)."""
    user = user_owner(ctx)
    token = presented_token(ctx)
    if user is None or token is None:
        return None
    outcome = await carts(ctx).merge(new_uow(ctx), user, guest_owner(token))
    forget_guest(ctx)
    return outcome


async def active_cart(ctx: Context, *, create: bool) -> Cart | None:
    """The caller's active cart (users get one on first use; guests only once they added)."""
    await merge_presented_guest_cart(ctx)
    owner = current_owner(ctx)
    if owner is None:
        return None
    return await cached_cart(ctx, owner, create=create)


async def cached_cart(ctx: Context, owner: Owner, *, create: bool) -> Cart | None:
    cache: CartCache = ctx.services[CART_CACHE]
    cart, generation = await cache.get(owner.id)
    if cart is not None:
        return cart
    if create:
        cart = await carts(ctx).open(new_uow(ctx), owner)
    else:
        async with new_uow(ctx) as uow:
            cart = await uow.repo.active_cart(owner, create=False, lock=False)
    if cart is not None:
        await cache.put(cart, generation)
    return cart


async def cart_by_id(ctx: Context, raw_id: str) -> Cart | None:
    """Any of the caller's carts (active, merged, checked out); other people's look missing."""
    owner = current_owner(ctx)
    cart_id = parse_id(raw_id)
    if owner is None or cart_id is None:
        return None
    active = await cached_cart(ctx, owner, create=False)
    if active is not None and active.id == cart_id:
        return active
    async with new_uow(ctx) as uow:
        found: Cart | None = await uow.repo.cart_by_id(owner.id, cart_id)
    return found
