"""The Redis session index behind `activeSessions`: it follows logins, refreshes and every kind of
sign-out, is rebuilt from PostgreSQL when Redis lost it, and shows nobody else's sessions."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.settings import Settings
from tests.conftest import GraphQLClient
from tests.graphql.test_devices_and_sessions import REVOKE, devices_of, two_devices
from tests.graphql.test_identity import ME, REFRESH, bearer, login

ACTIVE = "query($u: ID) { activeSessions(userId: $u) { id deviceId ip startedAt lastRefreshedAt active } }"


async def active(gql: GraphQLClient, token: str, user_id: str | None = None) -> list[dict[str, Any]]:
    body = await gql(ACTIVE, {"u": user_id}, headers=bearer(token))
    assert "errors" not in body, body
    return list(body["data"]["activeSessions"])


async def user_id_of(gql: GraphQLClient, token: str) -> str:
    return str((await gql(ME, headers=bearer(token)))["data"]["me"]["id"])


async def test_logins_and_refreshes_show_up_and_logout_removes_the_device(
    accounts_gql: GraphQLClient,
) -> None:
    phone, laptop, _ = await two_devices(accounts_gql)
    sessions = await active(accounts_gql, phone["accessToken"])
    assert len(sessions) == 2
    assert all(s["active"] for s in sessions)
    assert {s["ip"] for s in sessions} == {"203.0.113.7"}

    refreshed = (await accounts_gql(REFRESH, {"t": laptop["refreshToken"]}))["data"]["refreshToken"]
    after = await active(accounts_gql, refreshed["accessToken"])
    assert [s["id"] for s in after] == [s["id"] for s in sessions]  # same session, one more refresh
    assert max(s["lastRefreshedAt"] for s in after) > max(s["lastRefreshedAt"] for s in sessions)

    out = await accounts_gql("mutation { logout { signedOut } }", headers=bearer(refreshed["accessToken"]))
    assert out["data"]["logout"]["signedOut"] is True
    left = await active(accounts_gql, phone["accessToken"])
    assert len(left) == 1
    assert left[0]["id"] in {s["id"] for s in sessions}


async def test_revoked_devices_and_sessions_leave_the_index(accounts_gql: GraphQLClient) -> None:
    phone, laptop, address = await two_devices(accounts_gql)
    laptop_device = next(
        d["id"] for d in await devices_of(accounts_gql, laptop["accessToken"]) if d["current"]
    )
    await accounts_gql(REVOKE, {"ids": [laptop_device]}, headers=bearer(phone["accessToken"]))
    left = await active(accounts_gql, phone["accessToken"])
    assert len(left) == 1
    assert left[0]["deviceId"] != laptop_device

    (only,) = await active(accounts_gql, phone["accessToken"])
    doc = "mutation($id: ID!) { revokeSession(id: $id) { revokedIds } }"
    await accounts_gql(doc, {"id": only["id"]}, headers=bearer(phone["accessToken"]))
    # The phone's token is now revoked too; a fresh login sees only itself.
    tablet = await login(accounts_gql, address, device="tablet")
    (current,) = await active(accounts_gql, tablet["accessToken"])
    assert current["id"] != only["id"]


async def test_a_reused_refresh_token_drops_the_session(accounts_gql: GraphQLClient) -> None:
    phone, laptop, _ = await two_devices(accounts_gql)
    await accounts_gql(REFRESH, {"t": laptop["refreshToken"]})
    await accounts_gql(REFRESH, {"t": laptop["refreshToken"]})  # replayed: the family is revoked
    assert len(await active(accounts_gql, phone["accessToken"])) == 1


async def test_signing_out_everywhere_empties_it(accounts_gql: GraphQLClient, signer: TestSigner) -> None:
    phone, _laptop, _ = await two_devices(accounts_gql)
    user_id = await user_id_of(accounts_gql, phone["accessToken"])
    admin = signer.token(roles=["admin"])
    assert len(await active(accounts_gql, admin, user_id)) == 2
    await accounts_gql(
        "mutation($u: ID!) { forceLogout(userId: $u) { revokedIds } }", {"u": user_id}, headers=bearer(admin)
    )
    assert await active(accounts_gql, admin, user_id) == []


async def test_it_is_rebuilt_from_postgresql_when_redis_lost_it(
    accounts_gql: GraphQLClient, settings: Settings
) -> None:
    phone, _laptop, _ = await two_devices(accounts_gql)
    before = await active(accounts_gql, phone["accessToken"])
    user_id = await user_id_of(accounts_gql, phone["accessToken"])
    redis = Redis.from_url(settings.redis_url)
    try:
        assert await redis.delete(f"sessions:v1:{user_id}") == 1
    finally:
        await redis.aclose()
    rebuilt = await active(accounts_gql, phone["accessToken"])
    assert [(s["id"], s["deviceId"], s["startedAt"]) for s in rebuilt] == [
        (s["id"], s["deviceId"], s["startedAt"]) for s in before
    ]


async def test_other_users_sessions_look_absent(accounts_gql: GraphQLClient) -> None:
    victim, _, _ = await two_devices(accounts_gql)
    attacker, _, _ = await two_devices(accounts_gql)
    victim_id = await user_id_of(accounts_gql, victim["accessToken"])
    assert await active(accounts_gql, attacker["accessToken"], victim_id) == []
    anonymous = await accounts_gql(ACTIVE, {"u": victim_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert len(await active(accounts_gql, victim["accessToken"])) == 2
