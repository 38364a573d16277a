"""The cart's use cases on in-memory fakes: idempotency, optimistic locking, merging, following
the catalogue, and moves between the wishlist and the cart — without a database."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from subgraphs.cart.domain.cart import LineRequest
from subgraphs.cart.domain.model import Owner
from subgraphs.cart.service_layer.wishlists import WishRequest
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from tests.fakes.cart import CartWorld
from tests.unit.outcomes import codes_of


@pytest.fixture
def world() -> CartWorld:
    return CartWorld()


def a_buyer() -> Owner:
    return Owner.user(new_id())


async def test_a_retried_add_replays_and_adds_nothing_twice(world: CartWorld) -> None:
    buyer, offer = a_buyer(), world.catalog.offer()
    first = await world.carts.add(buyer, [LineRequest(offer.variant_id, 2)], idempotency_key="k1")
    again = await world.carts.add(buyer, [LineRequest(offer.variant_id, 2)], idempotency_key="k1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.line_ids == first.line_ids
    cart = await world.reads.active_cart(buyer, create=False)
    assert cart is not None
    assert [x.quantity for x in cart.lines] == [2]
    assert world.uow.published_types() == ["cart.item_added"]


async def test_the_same_key_with_another_body_is_refused(world: CartWorld) -> None:
    buyer, offer = a_buyer(), world.catalog.offer()
    await world.carts.add(buyer, [LineRequest(offer.variant_id, 1)], idempotency_key="k2")
    refused = world.carts.add(buyer, [LineRequest(offer.variant_id, 3)], idempotency_key="k2")
    assert await codes_of(refused) == ["IDEMPOTENCY_KEY_REUSED"]


async def test_a_stale_version_is_refused_and_writes_nothing(world: CartWorld) -> None:
    buyer, offer = a_buyer(), world.catalog.offer()
    change = await world.carts.add(buyer, [LineRequest(offer.variant_id, 1)])
    stale = world.carts.add(
        buyer, [LineRequest(offer.variant_id, 1)], expected_version=change.cart.version - 1
    )
    assert await codes_of(stale) == ["STALE_CART_VERSION"]
    cart = await world.reads.active_cart(buyer, create=False)
    assert cart is not None
    assert (cart.version, cart.lines[0].quantity) == (change.cart.version, 1)


async def test_bad_input_is_refused_before_the_catalogue_is_asked(world: CartWorld) -> None:
    refused = world.carts.add(a_buyer(), [LineRequest(new_id(), 0)])
    assert await codes_of(refused) == ["INVALID_QUANTITY"]
    assert world.catalog.calls == 0


async def test_an_unknown_or_unlisted_variant_is_unavailable(world: CartWorld) -> None:
    assert await codes_of(world.carts.add(a_buyer(), [LineRequest(new_id(), 1)])) == ["VARIANT_UNAVAILABLE"]


async def test_a_guest_cart_merges_once_into_the_users(world: CartWorld) -> None:
    guest, user, offer = Owner.guest(hashlib.sha256(b"ct_token").digest()), a_buyer(), world.catalog.offer()
    await world.carts.add(guest, [LineRequest(offer.variant_id, 2)])
    await world.carts.add(user, [LineRequest(offer.variant_id, 1)])
    merged = await world.carts.merge(user, guest)
    assert merged is not None
    assert [x.quantity for x in merged.cart.lines] == [3]
    assert await world.carts.merge(user, guest) is None  # the guest cart is MERGED now
    assert await world.reads.active_cart(guest, create=False) is None


async def test_lines_follow_price_changes_and_the_cached_cart_is_dropped(world: CartWorld) -> None:
    buyer, offer = a_buyer(), world.catalog.offer(price=1000)
    await world.carts.add(buyer, [LineRequest(offer.variant_id, 1)])
    assert await world.reads.active_cart(buyer, create=False) is not None  # cached now
    world.catalog.facts[offer.variant_id] = replace(offer, unit_price=800)
    claim = Claim("test-follow", new_id())
    await world.carts.follow_catalogue(claim, variant_id=offer.variant_id)
    cart = await world.reads.active_cart(buyer, create=False)
    assert cart is not None
    assert (cart.lines[0].unit_price, cart.lines[0].price_at_add) == (800, 1000)
    with pytest.raises(AlreadyProcessed):
        await world.carts.follow_catalogue(claim, variant_id=offer.variant_id)


async def test_a_wishlist_item_moves_to_the_cart_or_stays_where_it_was(world: CartWorld) -> None:
    buyer, offer, short = a_buyer(), world.catalog.offer(), world.catalog.offer(available=0)
    [kept, moved] = [
        (await world.wishlists.add(buyer, None, [WishRequest(o.product_id, o.variant_id)]))[0]
        for o in (short, offer)
    ]
    assert await codes_of(world.wishlists.move_to_cart(buyer, kept.id, 1)) == ["INSUFFICIENT_STOCK"]
    change = await world.wishlists.move_to_cart(buyer, moved.id, 1)
    assert [x.variant_id for x in change.cart.lines] == [offer.variant_id]
    assert [i.id for i in world.uow.store.items.values()] == [kept.id]
