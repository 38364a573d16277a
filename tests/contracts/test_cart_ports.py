"""The cart's ports: its repository (through the unit of work) and the cache of carts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters.cart_cache import CartCache
from subgraphs.cart.adapters.unit_of_work import cart_unit_of_work
from subgraphs.cart.domain.cart import LineRequest
from subgraphs.cart.domain.model import Owner, VariantFacts, Wishlist, WishlistItem
from subgraphs.cart.service_layer.ports import CartViews, OpenCartUnitOfWork, StoredRequest
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings
from tests.fakes.cart import FakeCartRepository, FakeCartViews
from tests.fakes.unit_of_work import FakeUnitOfWork


def facts(price: int = 500) -> VariantFacts:
    return VariantFacts(new_id(), new_id(), new_id(), price, "USD", 10)


class CartRepositoryContract:
    async def test_an_owner_has_one_active_cart_made_on_first_use(self, open_uow: OpenCartUnitOfWork) -> None:
        owner = Owner.user(new_id())
        async with open_uow() as uow:
            assert await uow.repo.active_cart(owner, create=False, lock=False) is None
            first = await uow.repo.active_cart(owner, create=True, lock=True)
            again = await uow.repo.active_cart(owner, create=True, lock=True)
            await uow.commit()
        assert first is not None
        assert again is not None
        assert first.id == again.id

    async def test_saved_lines_come_back_and_others_cannot_read_the_cart(
        self, open_uow: OpenCartUnitOfWork
    ) -> None:
        owner, offer, other = Owner.user(new_id()), facts(), facts(price=700)
        async with open_uow() as uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            await uow.repo.save(
                cart, cart.add([LineRequest(offer.variant_id, 2)], {offer.variant_id: offer}, utcnow())
            )
            added = cart.add([LineRequest(other.variant_id, 1)], {other.variant_id: other}, utcnow())
            await uow.repo.save(cart, added)
            [line] = [x for x in cart.lines if x.variant_id == offer.variant_id]
            await uow.repo.save(cart, cart.update([(line.id, 5)], {offer.variant_id: offer}, utcnow()))
            await uow.repo.save(cart, cart.remove([added.added[0].id], utcnow()))
            await uow.commit()
        async with open_uow() as uow:
            stored = await uow.repo.cart_by_id(owner.id, cart.id)
            assert await uow.repo.cart_by_id(new_id(), cart.id) is None
        assert stored is not None
        assert [(x.variant_id, x.quantity, x.price_at_add) for x in stored.lines] == [
            (offer.variant_id, 5, 500)
        ]
        assert stored.version == cart.version

    async def test_lines_of_a_variant_are_found_across_carts_and_refreshed(
        self, open_uow: OpenCartUnitOfWork
    ) -> None:
        offer, owners = facts(), [Owner.user(new_id()), Owner.user(new_id())]
        async with open_uow() as uow:
            for owner in owners:
                cart = await uow.repo.active_cart(owner, create=True, lock=True)
                assert cart is not None
                await uow.repo.save(
                    cart, cart.add([LineRequest(offer.variant_id, 1)], {offer.variant_id: offer}, utcnow())
                )
            await uow.commit()
        async with open_uow() as uow:
            held = await uow.repo.lines_in_active_carts(variant_id=offer.variant_id)
            assert sorted(o for o, _ in held) == sorted(o.id for o in owners)
            await uow.repo.refresh_lines([(o, line.refreshed(None)) for o, line in held])
            await uow.commit()
        async with open_uow() as uow:
            assert all(
                line.unavailable
                for _, line in await uow.repo.lines_in_active_carts(product_id=offer.product_id)
            )

    async def test_an_idempotency_key_remembers_its_first_answer(self, open_uow: OpenCartUnitOfWork) -> None:
        owner, stored = new_id(), StoredRequest("digest", new_id(), None)
        async with open_uow() as uow:
            assert await uow.repo.stored_request(owner, "k") is None
            await uow.repo.store_request(owner, "k", stored)
            await uow.commit()
        async with open_uow() as uow:
            assert await uow.repo.stored_request(owner, "k") == stored
            assert await uow.repo.stored_request(new_id(), "k") is None

    async def test_wishlists_keep_one_default_and_an_item_once(self, open_uow: OpenCartUnitOfWork) -> None:
        owner = new_id()
        default = Wishlist(new_id(), owner, "Wishlist", is_default=True)
        async with open_uow() as uow:
            assert await uow.repo.add_wishlist(default)
            assert not await uow.repo.add_wishlist(Wishlist(new_id(), owner, "Other", is_default=True))
            product = new_id()
            first = await uow.repo.add_wishlist_item(
                WishlistItem(new_id(), owner, default.id, product, None, new_id())
            )
            again = await uow.repo.add_wishlist_item(
                WishlistItem(new_id(), owner, default.id, product, None, new_id())
            )
            await uow.commit()
        assert first.id == again.id
        assert first.added_at is not None
        assert again.added_at is None  # "already there"
        async with open_uow() as uow:
            assert await uow.repo.wishlist_count(owner) == 1
            assert [w.id for w in await uow.repo.wishlist_items(owner, [first.id])] == [first.id]
            assert await uow.repo.wishlist_items(new_id(), [first.id]) == []


class TestFakeCartRepository(CartRepositoryContract):
    @pytest.fixture
    def open_uow(self) -> OpenCartUnitOfWork:
        return FakeUnitOfWork(FakeCartRepository())


class TestSqlCartRepository(CartRepositoryContract):
    @pytest.fixture
    def open_uow(self, engine: AsyncEngine) -> OpenCartUnitOfWork:
        return cart_unit_of_work(engine, FakeCartViews())

    async def test_a_read_never_tears_against_a_repricing_committed_meanwhile(
        self, open_uow: OpenCartUnitOfWork
    ) -> None:
        """A cart read shows its lines as of its version: a checkout confirming that version
        must never be charged a price committed under the next one (seen in CI)."""
        owner, offer = Owner.user(new_id()), facts(price=500)
        async with open_uow() as uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            await uow.repo.save(
                cart, cart.add([LineRequest(offer.variant_id, 1)], {offer.variant_id: offer}, utcnow())
            )
            await uow.commit()
        repriced = VariantFacts(offer.variant_id, offer.product_id, offer.seller_id, 700, "USD", 10)

        async def reprice() -> None:
            async with open_uow() as other:
                held = await other.repo.lines_in_active_carts(variant_id=offer.variant_id)
                await other.repo.refresh_lines([(o, line.refreshed(repriced)) for o, line in held])
                await other.repo.bump_versions([owner.id])
                await other.commit()

        class RepricingAfterTheFirstStatement:
            def __init__(self, conn: Any) -> None:
                self.conn, self.statements = conn, 0

            def __getattr__(self, name: str) -> Any:
                return getattr(self.conn, name)

            async def execute(self, *args: Any, **kwargs: Any) -> Any:
                result = await self.conn.execute(*args, **kwargs)
                self.statements += 1
                if self.statements == 1:
                    await reprice()
                return result

        async with open_uow() as uow:
            repo: Any = uow.repo
            repo.conn = RepricingAfterTheFirstStatement(repo.conn)
            seen = await uow.repo.active_cart(owner, create=False, lock=False)
        assert seen is not None
        assert (seen.version, seen.lines[0].unit_price) in {
            (cart.version, 500),
            (cart.version + 1, 700),
        }


class CartViewsContract:
    async def test_a_cart_put_under_the_current_generation_is_served(
        self, views: CartViews, open_uow: OpenCartUnitOfWork
    ) -> None:
        async with open_uow() as uow:
            cart = await uow.repo.active_cart(Owner.user(new_id()), create=True, lock=False)
        assert cart is not None
        _, generation = await views.get(cart.owner_id)
        await views.put(cart, generation)
        cached, _ = await views.get(cart.owner_id)
        assert cached == cart

    async def test_a_reader_that_loaded_before_a_drop_cannot_store_a_stale_cart(
        self, views: CartViews, open_uow: OpenCartUnitOfWork
    ) -> None:
        async with open_uow() as uow:
            cart = await uow.repo.active_cart(Owner.user(new_id()), create=True, lock=False)
        assert cart is not None
        _, before = await views.get(cart.owner_id)
        await views.drop([cart.owner_id])
        await views.put(cart, before)  # too late: a change happened meanwhile
        assert (await views.get(cart.owner_id))[0] is None


class TestFakeCartViews(CartViewsContract):
    @pytest.fixture
    def views(self) -> CartViews:
        return FakeCartViews()

    @pytest.fixture
    def open_uow(self) -> OpenCartUnitOfWork:
        return FakeUnitOfWork(FakeCartRepository())


class TestRedisCartViews(CartViewsContract):
    @pytest.fixture
    async def views(self, settings: Settings) -> AsyncIterator[CartViews]:
        redis = Redis.from_url(settings.redis_url)
        yield CartCache(redis)
        await redis.aclose()

    @pytest.fixture
    def open_uow(self) -> OpenCartUnitOfWork:
        return FakeUnitOfWork(FakeCartRepository())
