"""The accounts store (users, devices, tokens, resets, KYC, roles), through its unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.unit_of_work import accounts_unit_of_work
from subgraphs.accounts.domain.address_book import SavedAddress
from subgraphs.accounts.domain.model import Device, DeviceType, KycStatus, RefreshToken, User
from subgraphs.accounts.service_layer.ports import AccountsStore
from subgraphs.contracts.addresses import Address
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import UnitOfWorkFactory
from subgraphs.platform.settings import Settings
from tests.fakes.accounts import FakeAccountsStore
from tests.fakes.unit_of_work import FakeUnitOfWork

OpenStore = UnitOfWorkFactory[AccountsStore]


def a_user() -> User:
    user_id = new_id()
    return User(user_id, f"{user_id.hex}@example.com", "hash", "Ada", KycStatus.NONE, frozenset({"buyer"}))


def a_device(user: User, client_id: str = "phone") -> Device:
    return Device(new_id(), user.id, client_id, DeviceType.IOS, "Phone", "ua", "203.0.113.1")


async def stored(open_store: OpenStore, user: User) -> None:
    async with open_store() as uow:
        assert await uow.repo.add_user(user)
        await uow.commit()


class AccountsStoreContract:
    async def test_one_account_per_email_with_its_roles(self, open_store: OpenStore) -> None:
        user = a_user()
        await stored(open_store, user)
        async with open_store() as uow:
            twin = User(new_id(), user.email, "h", "Twin", KycStatus.NONE, frozenset({"buyer"}))
            assert not await uow.repo.add_user(twin)
            assert await uow.repo.user_id_for_email(user.email) == user.id
            found = await uow.repo.get_user(user.id)
        assert found is not None
        assert (found.email, found.roles) == (user.email, frozenset({"buyer"}))

    async def test_a_device_is_one_row_until_revoked(self, open_store: OpenStore) -> None:
        user = a_user()
        await stored(open_store, user)
        async with open_store() as uow:
            first = await uow.repo.upsert_device(a_device(user))
            again = await uow.repo.upsert_device(a_device(user))
            assert again.id == first.id
            assert await uow.repo.set_push_token(user.id, first.id, "apns:1") is not None
            await uow.repo.revoke_device(user.id, first.id, utcnow())
            assert await uow.repo.set_push_token(user.id, first.id, "apns:2") is None
            fresh = await uow.repo.upsert_device(a_device(user))
            assert await uow.repo.device_owner(fresh.id) == user.id
            await uow.commit()
        assert fresh.id != first.id
        async with open_store() as uow:
            assert await uow.repo.get_device(new_id(), fresh.id) is None  # someone else's looks missing

    async def test_refresh_tokens_rotate_and_families_are_revoked_together(
        self, open_store: OpenStore
    ) -> None:
        user = a_user()
        await stored(open_store, user)
        async with open_store() as uow:
            device = await uow.repo.upsert_device(a_device(user))
            family = new_id()
            expires = utcnow() + timedelta(days=1)
            tokens = [RefreshToken(new_id(), user.id, device.id, family, "s", expires) for _ in range(2)]
            for token in tokens:
                await uow.repo.add_refresh_token(token)
            await uow.repo.mark_refresh_token_used(tokens[0], utcnow())
            await uow.repo.revoke_family(user.id, family, utcnow())
            await uow.commit()
        async with open_store() as uow:
            used = await uow.repo.get_refresh_token(user.id, tokens[0].id)
            revoked = await uow.repo.get_refresh_token(user.id, tokens[1].id)
            assert await uow.repo.get_refresh_token(new_id(), tokens[1].id) is None
            assert await uow.repo.session_owner(family) == (user.id, device.id)
        assert used is not None
        assert revoked is not None
        assert used.used_at is not None
        assert revoked.revoked_at is not None

    async def test_a_password_reset_is_found_once_and_marked_used(self, open_store: OpenStore) -> None:
        user, reset_id = a_user(), new_id()
        await stored(open_store, user)
        expires = utcnow() + timedelta(minutes=30)
        async with open_store() as uow:
            await uow.repo.add_password_reset(reset_id, user.id, "secret-hash", expires)
            await uow.commit()
        async with open_store() as uow:
            found = await uow.repo.get_password_reset(user.id, reset_id)
            assert await uow.repo.get_password_reset(new_id(), reset_id) is None
            await uow.repo.use_password_reset(user.id, reset_id, utcnow())
            await uow.commit()
        assert found is not None
        assert found[0] == "secret-hash"
        assert found[2] is None
        async with open_store() as uow:
            again = await uow.repo.get_password_reset(user.id, reset_id)
        assert again is not None
        assert again[2] is not None

    async def test_a_role_is_granted_once_and_revoked(self, open_store: OpenStore) -> None:
        user = a_user()
        await stored(open_store, user)
        async with open_store() as uow:
            assert await uow.repo.grant_role(user.id, "seller", None)
            assert not await uow.repo.grant_role(user.id, "seller", None)
            assert await uow.repo.existing_users([user.id, new_id()]) == {user.id}
            assert "seller" in await uow.repo.existing_role_names(["seller", "no-such-role"])
            await uow.commit()
        async with open_store() as uow:
            assert await uow.repo.revoke(user.id, "seller")
            assert not await uow.repo.revoke(user.id, "seller")
            await uow.commit()


class TestFakeAccountsStore(AccountsStoreContract):
    @pytest.fixture
    def open_store(self) -> OpenStore:
        return FakeUnitOfWork(FakeAccountsStore())


class TestSqlAccountsStore(AccountsStoreContract):
    @pytest.fixture
    async def open_store(self, engine: AsyncEngine, settings: Settings) -> AsyncIterator[OpenStore]:
        redis = Redis.from_url(settings.redis_url)
        yield accounts_unit_of_work(engine, ProfileCache(redis))
        await redis.aclose()


class AddressBookContract:
    """The address-book part of the store: per-user rows, one default."""

    async def test_addresses_are_per_user_with_one_default(self, open_store: OpenStore) -> None:
        owner, other = a_user(), a_user()
        await stored(open_store, owner)
        await stored(open_store, other)
        now = utcnow()
        home = SavedAddress(new_id(), owner.id, ADDRESS, "Home", True, now, now)
        work = SavedAddress(new_id(), owner.id, ADDRESS, "Work", False, now + timedelta(seconds=1), now)
        async with open_store() as uow:
            await uow.repo.lock_user(owner.id)
            await uow.repo.add_address(home)
            await uow.repo.add_address(work)
            await uow.commit()
        async with open_store() as uow:
            assert await uow.repo.address_count(owner.id) == 2
            assert await uow.repo.address_count(other.id) == 0
            assert await uow.repo.address(other.id, home.id) is None  # someone else's: missing
            found = await uow.repo.address(owner.id, home.id)
            assert found is not None
            assert found.address == ADDRESS
            assert found.is_default
            await uow.repo.clear_default_address(owner.id)
            work.is_default = True
            await uow.repo.save_address(work)
            await uow.commit()
        async with open_store() as uow:
            assert not (await uow.repo.address(owner.id, home.id)).is_default  # type: ignore[union-attr]
            await uow.repo.delete_address(owner.id, work.id)
            await uow.repo.promote_newest_address(owner.id)
            await uow.commit()
        async with open_store() as uow:
            assert await uow.repo.address(owner.id, work.id) is None
            assert (await uow.repo.address(owner.id, home.id)).is_default  # type: ignore[union-attr]


ADDRESS = Address(
    name="Ada Lovelace", line1="1 Analytical St", city="London", postal_code="N1 9GU", country="GB"
)


class TestFakeAddressBook(AddressBookContract):
    @pytest.fixture
    def open_store(self) -> OpenStore:
        return FakeUnitOfWork(FakeAccountsStore())


class TestSqlAddressBook(AddressBookContract):
    @pytest.fixture
    async def open_store(self, engine: AsyncEngine, settings: Settings) -> AsyncIterator[OpenStore]:
        redis = Redis.from_url(settings.redis_url)
        yield accounts_unit_of_work(engine, ProfileCache(redis))
        await redis.aclose()
