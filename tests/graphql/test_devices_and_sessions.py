"""Devices and sessions: what a user sees, what they can sign out, and what others cannot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from tests.conftest import GraphQLClient
from tests.graphql.test_identity import ME, REFRESH, bearer, email, login, register

DEVICES = "{ devices { nodes { id name current revokedAt } } }"
SESSIONS = "{ sessions(filter: {active: true}) { nodes { id deviceId active } } }"
REVOKE = "mutation($ids: [ID!]!) { revokeDevices(ids: $ids) { revokedIds userErrors { field code } } }"


async def two_devices(gql: GraphQLClient) -> tuple[dict[str, Any], dict[str, Any], str]:
    address = email()
    await register(gql, address)
    return await login(gql, address, device="phone"), await login(gql, address, device="laptop"), address


async def devices_of(gql: GraphQLClient, token: str) -> list[dict[str, Any]]:
    return list((await gql(DEVICES, headers=bearer(token)))["data"]["devices"]["nodes"])


async def test_users_see_their_devices_and_which_one_is_current(accounts_gql: GraphQLClient) -> None:
    phone, _laptop, _ = await two_devices(accounts_gql)
    devices = await devices_of(accounts_gql, phone["accessToken"])
    assert sorted(d["current"] for d in devices) == [False, True]
    sessions = (await accounts_gql(SESSIONS, headers=bearer(phone["accessToken"])))["data"]["sessions"][
        "nodes"
    ]
    assert len(sessions) == 2


async def test_a_stolen_device_is_signed_out_and_the_others_keep_working(accounts_gql: GraphQLClient) -> None:
    phone, laptop, _ = await two_devices(accounts_gql)
    laptop_id = next(d["id"] for d in await devices_of(accounts_gql, laptop["accessToken"]) if d["current"])
    result = (await accounts_gql(REVOKE, {"ids": [laptop_id]}, headers=bearer(phone["accessToken"])))["data"][
        "revokeDevices"
    ]
    assert result == {"revokedIds": [laptop_id], "userErrors": []}
    assert (await accounts_gql(ME, headers=bearer(laptop["accessToken"])))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    assert (await accounts_gql(REFRESH, {"t": laptop["refreshToken"]}))["data"]["refreshToken"]["userErrors"]
    assert (await accounts_gql(ME, headers=bearer(phone["accessToken"])))["data"]["me"] is not None


async def test_another_users_devices_and_sessions_look_missing(accounts_gql: GraphQLClient) -> None:
    victim, _, _ = await two_devices(accounts_gql)
    attacker, _, _ = await two_devices(accounts_gql)
    victim_device = (await devices_of(accounts_gql, victim["accessToken"]))[0]["id"]
    as_attacker = bearer(attacker["accessToken"])
    assert (
        await accounts_gql(
            "query($id: ID!) { device(id: $id) { id } }", {"id": victim_device}, headers=as_attacker
        )
    )["data"]["device"] is None
    revoke = (await accounts_gql(REVOKE, {"ids": [victim_device]}, headers=as_attacker))["data"][
        "revokeDevices"
    ]
    assert revoke["userErrors"] == [{"field": ["ids", "0"], "code": "NOT_FOUND"}]
    # A non-admin's userId filter is ignored: they only ever see their own rows.
    victim_id = (await accounts_gql(ME, headers=bearer(victim["accessToken"])))["data"]["me"]["id"]
    theirs = await accounts_gql(
        "query($u: ID) { devices(filter: {userId: $u}) { nodes { id } } }",
        {"u": victim_id},
        headers=as_attacker,
    )
    assert victim_device not in [d["id"] for d in theirs["data"]["devices"]["nodes"]]
    assert (await accounts_gql(ME, headers=bearer(victim["accessToken"])))["data"]["me"] is not None


async def test_revoking_a_session_ends_its_refresh_chain(accounts_gql: GraphQLClient) -> None:
    phone, laptop, _ = await two_devices(accounts_gql)
    sessions = (await accounts_gql(SESSIONS, headers=bearer(phone["accessToken"])))["data"]["sessions"][
        "nodes"
    ]
    laptop_device = next(
        d["id"] for d in await devices_of(accounts_gql, laptop["accessToken"]) if d["current"]
    )
    laptop_session = next(s["id"] for s in sessions if s["deviceId"] == laptop_device)
    doc = "mutation($id: ID!) { revokeSession(id: $id) { revokedIds userErrors { code } } }"
    assert (await accounts_gql(doc, {"id": laptop_session}, headers=bearer(phone["accessToken"])))["data"][
        "revokeSession"
    ]["userErrors"] == []
    assert (await accounts_gql(REFRESH, {"t": laptop["refreshToken"]}))["data"]["refreshToken"]["userErrors"]
    assert (await accounts_gql(REFRESH, {"t": phone["refreshToken"]}))["data"]["refreshToken"][
        "userErrors"
    ] == []


async def test_logout_all_devices_signs_out_everywhere(accounts_gql: GraphQLClient) -> None:
    phone, laptop, _ = await two_devices(accounts_gql)
    await accounts_gql("mutation { logoutAllDevices { revokedIds } }", headers=bearer(phone["accessToken"]))
    for session in (phone, laptop):
        assert (await accounts_gql(ME, headers=bearer(session["accessToken"])))["errors"][0]["extensions"][
            "code"
        ] == "UNAUTHENTICATED"
        assert (await accounts_gql(REFRESH, {"t": session["refreshToken"]}))["data"]["refreshToken"][
            "userErrors"
        ]


async def test_only_admins_force_a_user_out(accounts_gql: GraphQLClient, signer: TestSigner) -> None:
    victim, _, _ = await two_devices(accounts_gql)
    victim_id = (await accounts_gql(ME, headers=bearer(victim["accessToken"])))["data"]["me"]["id"]
    doc = "mutation($u: ID!) { forceLogout(userId: $u) { revokedIds userErrors { code } } }"
    buyer = await accounts_gql(doc, {"u": victim_id}, headers=bearer(signer.token(roles=["buyer"])))
    assert buyer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await accounts_gql(ME, headers=bearer(victim["accessToken"])))["data"]["me"] is not None
    admin = await accounts_gql(doc, {"u": victim_id}, headers=bearer(signer.token(roles=["admin"])))
    assert admin["data"]["forceLogout"]["revokedIds"] == [victim_id]
    assert (await accounts_gql(ME, headers=bearer(victim["accessToken"])))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"


async def test_push_tokens_are_stored_on_your_own_devices_only(accounts_gql: GraphQLClient) -> None:
    phone, _, _ = await two_devices(accounts_gql)
    other, _, _ = await two_devices(accounts_gql)
    device_id = next(d["id"] for d in await devices_of(accounts_gql, phone["accessToken"]) if d["current"])
    doc = "mutation($id: ID!, $t: String!) { updateDevicePushToken(id: $id, pushToken: $t) { device { id } userErrors { code } } }"
    mine = await accounts_gql(doc, {"id": device_id, "t": "apns-123"}, headers=bearer(phone["accessToken"]))
    assert mine["data"]["updateDevicePushToken"]["device"]["id"] == device_id
    theirs = await accounts_gql(doc, {"id": device_id, "t": "evil"}, headers=bearer(other["accessToken"]))
    assert theirs["data"]["updateDevicePushToken"]["userErrors"] == [{"code": "NOT_FOUND"}]


async def test_devices_show_when_they_were_last_active(accounts_gql: GraphQLClient) -> None:
    phone, _, _ = await two_devices(accounts_gql)
    query = "{ devices { nodes { current lastActiveAt lastSeenAt } } }"
    nodes = (await accounts_gql(query, headers=bearer(phone["accessToken"])))["data"]["devices"]["nodes"]
    current = next(n for n in nodes if n["current"])
    # Activity is kept at second resolution; the login time has microseconds.
    active, seen = (datetime.fromisoformat(current[k]) for k in ("lastActiveAt", "lastSeenAt"))
    assert active >= seen.replace(microsecond=0)
