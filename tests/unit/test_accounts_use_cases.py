"""The accounts use cases on in-memory fakes: sign-in, refresh rotation and reuse, sign-outs,
password resets, KYC and roles — what each writes, publishes and revokes, without services."""

from __future__ import annotations

import uuid

import pytest

from subgraphs.accounts.domain.kyc import DocumentKind
from subgraphs.accounts.domain.model import AccountKind, DeviceType
from subgraphs.accounts.service_layer.identity import DeviceInfo, Register
from subgraphs.accounts.service_layer.kyc import UploadedDocument
from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from tests.fakes.accounts import AccountsWorld
from tests.unit.outcomes import codes_of

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.7\n%fake but sniffable\n"


@pytest.fixture
def world() -> AccountsWorld:
    return AccountsWorld()


def device(client_id: str = "laptop") -> DeviceInfo:
    return DeviceInfo(client_id, DeviceType.WEB, "Laptop", "pytest", "203.0.113.5")


async def a_user(world: AccountsWorld, email: str = "ada@example.com") -> uuid.UUID:
    return (await world.identity.register(Register(email, PASSWORD, "Ada", AccountKind.BUYER))).id


async def test_an_email_has_one_account(world: AccountsWorld) -> None:
    await a_user(world)
    again = world.identity.register(Register("ADA@example.com ", PASSWORD, "Ada two", AccountKind.BUYER))
    assert await codes_of(again) == ["EMAIL_TAKEN"]
    assert world.uow.published_types() == ["user.registered"]


async def test_a_sign_in_opens_a_session_and_carries_the_guest_cart_to_the_cart(world: AccountsWorld) -> None:
    user_id = await a_user(world)
    session = await world.identity.login("ada@example.com", PASSWORD, device(), guest_cart_hash="ab" * 32)
    assert session.user.id == user_id
    assert [s.id for s in await world.sessions.active(user_id)] == [session.session_id]
    [signed_in] = [e for e in world.uow.published if e.TYPE == "user.logged_in"]
    assert signed_in.guest_cart_hash == "ab" * 32  # type: ignore[attr-defined]


async def test_wrong_passwords_count_towards_the_throttle(world: AccountsWorld) -> None:
    await a_user(world)
    for _ in range(5):
        with pytest.raises(Exception, match="wrong"):
            await world.identity.login("ada@example.com", "not the password", device())
    with pytest.raises(Exception, match="Too many"):
        await world.identity.login("ada@example.com", PASSWORD, device())


async def test_a_reused_refresh_token_signs_the_device_out(world: AccountsWorld) -> None:
    await a_user(world)
    first = await world.identity.login("ada@example.com", PASSWORD, device())
    second = await world.identity.refresh(first.refresh_token)
    with pytest.raises(Exception, match="already used"):
        await world.identity.refresh(first.refresh_token)  # the stolen copy
    assert first.device_id in world.revocations.devices
    with pytest.raises(Exception, match="already used"):
        await world.identity.refresh(second.refresh_token)  # the whole family went with it
    assert "user.refresh_token_reused" in world.uow.published_types()


async def test_someone_elses_device_looks_missing_and_nothing_is_revoked(world: AccountsWorld) -> None:
    await a_user(world)
    session = await world.identity.login("ada@example.com", PASSWORD, device())
    stranger = Principal(new_id())
    assert await codes_of(world.devices.revoke_devices(stranger, [session.device_id])) == ["NOT_FOUND"]
    assert world.revocations.devices == {}


async def test_a_push_token_is_stored_for_an_own_live_device_only(world: AccountsWorld) -> None:
    user_id = await a_user(world)
    session = await world.identity.login("ada@example.com", PASSWORD, device())
    me = Principal(user_id, device_id=str(session.device_id))
    await world.devices.set_push_token(me, session.device_id, "fcm:token")
    assert world.uow.store.push_tokens == {session.device_id: "fcm:token"}
    assert world.uow.published_types()[-1] == "user.push_token_updated"
    assert await codes_of(world.devices.set_push_token(me, session.device_id, "")) == ["BAD_USER_INPUT"]
    await world.identity.logout(me)
    assert await codes_of(world.devices.set_push_token(me, session.device_id, "fcm:2")) == ["NOT_FOUND"]


async def test_a_reset_link_is_mailed_once_per_request_and_only_to_real_accounts(
    world: AccountsWorld,
) -> None:
    await a_user(world)
    claim = Claim("test-mailer", new_id())
    assert await world.resets.issue("nobody@example.com", Claim("test-mailer", new_id())) is False
    assert await world.resets.issue("ada@example.com", claim) is True
    with pytest.raises(AlreadyProcessed):
        await world.resets.issue("ada@example.com", claim)
    [message] = world.uow.store.messages
    token = message.body.split("token=")[1].split()[0]
    await world.resets.reset(token, "another long passphrase here")
    assert await codes_of(world.resets.reset(token, "and yet another passphrase")) == ["INVALID_RESET_TOKEN"]


async def test_kyc_documents_are_checked_after_submission_then_reviewed(world: AccountsWorld) -> None:
    user_id = await a_user(world)
    seller = Principal(user_id)
    submission = await world.kyc.submit(seller, [UploadedDocument(DocumentKind.ID_FRONT, PDF)])
    status = await world.kyc.validate(user_id, submission, Claim("test-kyc", new_id()))
    assert status.value == "PENDING_REVIEW"
    admin = Principal(new_id(), roles=frozenset({"admin"}))
    await world.kyc.review(admin, submission, approve=True, reason=None)
    assert await world.kyc.grant_approved_seller(user_id, admin.user_id, Claim("test-kyc", new_id())) is True
    assert (user_id, "seller") in world.uow.store.user_roles
    assert world.uow.published_types()[-1] == "role.granted"


async def test_removing_a_role_revokes_the_users_tokens(world: AccountsWorld) -> None:
    user_id = await a_user(world)
    admin = Principal(new_id(), roles=frozenset({"admin"}))
    await world.access.assign(admin, [(user_id, "seller")])
    await world.access.revoke(admin, user_id, "seller")
    assert user_id in world.revocations.users
    assert await codes_of(world.access.assign(admin, [(user_id, "admin")])) == ["FORBIDDEN"]


async def test_a_sign_out_is_refused_and_undone_when_its_revocation_cannot_be_written(
    world: AccountsWorld,
) -> None:
    user_id = await a_user(world)
    session = await world.identity.login("ada@example.com", PASSWORD, device())
    principal = Principal(user_id, device_id=str(session.device_id))
    world.revocations.available = False  # Valkey is away
    with pytest.raises(ServiceUnavailable):
        await world.identity.logout(principal)
    # Nothing happened: the device still refreshes, no revocation or event was recorded.
    assert world.uow.store.revocations == []
    assert "user.device_logged_out" not in world.uow.published_types()
    world.revocations.available = True
    await world.identity.refresh(session.refresh_token)


async def test_every_kind_of_revocation_is_recorded_and_rebuilt_after_valkey_lost_it(
    world: AccountsWorld,
) -> None:
    user_id = await a_user(world)
    admin = Principal(new_id(), roles=frozenset({"admin"}))
    session = await world.identity.login("ada@example.com", PASSWORD, device())
    await world.identity.logout(Principal(user_id, device_id=str(session.device_id)))  # sign-out
    await world.access.assign(admin, [(user_id, "seller")])
    await world.access.revoke(admin, user_id, "seller")  # role removal
    await world.devices.sign_out_everywhere(admin, user_id)  # forced logout
    kinds = sorted(r.kind for _, r in world.uow.store.revocations)
    assert kinds == ["device", "user", "user"]
    world.revocations.lose_everything()  # Valkey restarted empty
    assert await world.restore_revocations() is True
    assert session.device_id in world.revocations.devices
    assert user_id in world.revocations.users
    assert await world.restore_revocations() is False  # whole again: nothing to do
