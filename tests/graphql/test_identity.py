"""Register, login, refresh rotation with reuse detection, logout, cookies — and their abuse."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from tests.conftest import GraphQLClient

REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) { user { id email roles kycStatus } userErrors { field message code } } }"""
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken csrfToken user { id roles } userErrors { field code message } } }"""
REFRESH = """mutation($t: String) {
  refreshToken(refreshToken: $t) { accessToken refreshToken csrfToken userErrors { code } } }"""
ME = "{ me { id email displayName } }"
PASSWORD = "correct horse battery staple"


def email() -> str:
    return f"user-{new_id().hex[-12:]}@example.com"


async def register(
    gql: GraphQLClient, address: str, kind: str = "BUYER", password: str = PASSWORD
) -> dict[str, Any]:
    body = await gql(
        REGISTER, {"input": {"email": address, "password": password, "displayName": "Ada", "kind": kind}}
    )
    return dict(body["data"]["register"])


async def login(
    gql: GraphQLClient,
    address: str,
    device: str = "phone-1",
    delivery: str = "BODY",
    password: str = PASSWORD,
) -> dict[str, Any]:
    variables = {
        "input": {
            "email": address,
            "password": password,
            "device": {"id": device, "type": "IOS", "name": "Ada's phone"},
            "refreshTokenDelivery": delivery,
        }
    }
    body = await gql(LOGIN, variables)
    return dict(body["data"]["login"])


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_buyers_and_sellers_register_sellers_with_kyc_pending(accounts_gql: GraphQLClient) -> None:
    buyer = await register(accounts_gql, email())
    seller = await register(accounts_gql, email(), kind="SELLER")
    assert (buyer["user"]["roles"], buyer["user"]["kycStatus"]) == (["buyer"], "NONE")
    assert (seller["user"]["roles"], seller["user"]["kycStatus"]) == (["buyer"], "PENDING")


async def test_an_email_registers_once_whatever_its_case(accounts_gql: GraphQLClient) -> None:
    address = email()
    await register(accounts_gql, address)
    again = await register(accounts_gql, address.upper())
    assert again["userErrors"] == [
        {"field": ["email"], "message": "An account with this email already exists.", "code": "EMAIL_TAKEN"}
    ]


async def test_weak_passwords_and_bad_emails_are_refused(accounts_gql: GraphQLClient) -> None:
    short = await register(accounts_gql, email(), password="short")
    assert short["userErrors"][0]["field"] == ["password"]
    bad = await register(accounts_gql, "not-an-email")
    assert bad["userErrors"][0]["field"] == ["email"]
    assert bad["user"] is None


async def test_wrong_password_and_unknown_email_fail_the_same_way(accounts_gql: GraphQLClient) -> None:
    address = email()
    await register(accounts_gql, address)
    wrong = await login(accounts_gql, address, password="wrong password here")
    unknown = await login(accounts_gql, email())
    assert wrong["userErrors"] == unknown["userErrors"]
    assert wrong["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["accessToken"] is None


async def test_an_access_token_from_login_works_in_every_subgraph(
    accounts_gql: GraphQLClient, gql: GraphQLClient
) -> None:
    address = email()
    await register(accounts_gql, address)
    session = await login(accounts_gql, address)
    me = await accounts_gql(ME, headers=bearer(session["accessToken"]))
    assert me["data"]["me"]["email"] == address
    # The products subgraph verifies the same token: a buyer is known but not allowed here.
    products = await gql("{ inventory(first: 1) { nodes { id } } }", headers=bearer(session["accessToken"]))
    assert products["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_refresh_rotates_and_reuse_signs_the_device_out(accounts_gql: GraphQLClient) -> None:
    address = email()
    await register(accounts_gql, address)
    first = await login(accounts_gql, address)
    second = (await accounts_gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert second["userErrors"] == []
    assert second["refreshToken"] != first["refreshToken"]
    assert (await accounts_gql(ME, headers=bearer(second["accessToken"])))["data"]["me"]["email"] == address
    # A thief replays the first token: the whole family and the device are revoked.
    replay = (await accounts_gql(REFRESH, {"t": first["refreshToken"]}))["data"]["refreshToken"]
    assert replay["userErrors"] == [{"code": "REFRESH_TOKEN_REUSED"}]
    legit = (await accounts_gql(REFRESH, {"t": second["refreshToken"]}))["data"]["refreshToken"]
    assert legit["userErrors"][0]["code"] in ("REFRESH_TOKEN_REUSED", "INVALID_REFRESH_TOKEN")
    me = await accounts_gql(ME, headers=bearer(second["accessToken"]))
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Logging in again on that phone starts a fresh device session.
    again = await login(accounts_gql, address)
    assert (await accounts_gql(ME, headers=bearer(again["accessToken"])))["data"]["me"]["email"] == address


async def test_tampered_refresh_tokens_are_rejected(accounts_gql: GraphQLClient) -> None:
    address = email()
    await register(accounts_gql, address)
    token = (await login(accounts_gql, address))["refreshToken"]
    prefix, user, token_id, secret = token.split(".")
    for forged in (
        f"{prefix}.{user}.{token_id}.{secret[:-2]}xx",
        f"{prefix}.{new_id().hex}.{token_id}.{secret}",
        "garbage",
    ):
        result = (await accounts_gql(REFRESH, {"t": forged}))["data"]["refreshToken"]
        assert result["userErrors"][0]["code"] == "INVALID_REFRESH_TOKEN"
    assert (await accounts_gql(REFRESH, {"t": token}))["data"]["refreshToken"]["userErrors"] == []


async def test_logout_revokes_the_devices_tokens_at_once(
    accounts_gql: GraphQLClient, gql: GraphQLClient
) -> None:
    address = email()
    await register(accounts_gql, address)
    phone = await login(accounts_gql, address, device="phone")
    laptop = await login(accounts_gql, address, device="laptop")
    out = await accounts_gql("mutation { logout { signedOut } }", headers=bearer(phone["accessToken"]))
    assert out["data"]["logout"]["signedOut"] is True
    for client, query in ((accounts_gql, ME), (gql, "{ brands(first: 1) { nodes { id } } }")):
        rejected = await client(query, headers=bearer(phone["accessToken"]))
        assert rejected["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await accounts_gql(REFRESH, {"t": phone["refreshToken"]}))["data"]["refreshToken"]["userErrors"]
    assert (await accounts_gql(ME, headers=bearer(laptop["accessToken"])))["data"]["me"]["email"] == address


async def test_cookie_refresh_needs_the_csrf_double_submit(accounts_http: httpx.AsyncClient) -> None:
    gql = GraphQLClient(accounts_http)
    address = email()
    await register(gql, address)
    response = await accounts_http.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {
                "input": {
                    "email": address,
                    "password": PASSWORD,
                    "device": {"id": "browser"},
                    "refreshTokenDelivery": "COOKIE",
                }
            },
        },
    )
    session = response.json()["data"]["login"]
    assert session["refreshToken"] is None
    cookies = response.headers.get_list("set-cookie")
    refresh_cookie = next(c for c in cookies if c.startswith("refresh_token="))
    assert all(flag in refresh_cookie for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/graphql"))
    refresh_value = refresh_cookie.split(";")[0].split("=", 1)[1]
    cookie_header = f"refresh_token={refresh_value}; csrf_token={session['csrfToken']}"
    no_header = await accounts_http.post(
        "/graphql", json={"query": REFRESH}, headers={"cookie": cookie_header}
    )
    assert no_header.json()["data"]["refreshToken"]["userErrors"][0]["code"] == "INVALID_REFRESH_TOKEN"
    forged = await accounts_http.post(
        "/graphql", json={"query": REFRESH}, headers={"cookie": cookie_header, "x-csrf-token": "guess"}
    )
    assert forged.json()["data"]["refreshToken"]["userErrors"]
    ok = await accounts_http.post(
        "/graphql",
        json={"query": REFRESH},
        headers={"cookie": cookie_header, "x-csrf-token": session["csrfToken"]},
    )
    assert ok.json()["data"]["refreshToken"]["userErrors"] == []
    assert any(c.startswith("refresh_token=") for c in ok.headers.get_list("set-cookie"))


async def test_an_expired_access_token_does_not_block_refreshing(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    address = email()
    await register(accounts_gql, address)
    session = await login(accounts_gql, address)
    stale = bearer(signer.token(ttl=-60))
    refreshed = await accounts_gql(REFRESH, {"t": session["refreshToken"]}, headers=stale)
    assert refreshed["data"]["refreshToken"]["userErrors"] == []
    assert (await accounts_gql(ME, headers=stale))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_other_users_accounts_look_missing(accounts_gql: GraphQLClient, signer: TestSigner) -> None:
    alice, bob = email(), email()
    alice_id = (await register(accounts_gql, alice))["user"]["id"]
    await register(accounts_gql, bob)
    bob_token = (await login(accounts_gql, bob))["accessToken"]
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }"
    reps = {"r": [{"__typename": "User", "id": alice_id}]}
    assert (await accounts_gql(query, reps, headers=bearer(bob_token)))["data"]["_entities"] == [None]
    admin = bearer(signer.token(roles=["admin"]))
    assert (await accounts_gql(query, reps, headers=admin))["data"]["_entities"][0]["email"] == alice


async def test_the_jwks_endpoint_publishes_the_signing_key(
    accounts_http: httpx.AsyncClient, signer: TestSigner
) -> None:
    keys = (await accounts_http.get("/.well-known/jwks.json")).json()["keys"]
    assert [k["kid"] for k in keys] == [signer.kid]
    assert "d" not in keys[0]  # never the private part


async def test_brute_force_logins_are_throttled_even_with_the_right_password(
    accounts_gql: GraphQLClient,
) -> None:
    address = email()
    await register(accounts_gql, address)
    attacker_ip = {"x-forwarded-for": f"198.51.100.{new_id().int % 250 + 1}"}
    variables = {
        "input": {
            "email": address,
            "password": "wrong password!",
            "device": {"id": "bot"},
            "refreshTokenDelivery": "BODY",
        }
    }
    codes = [
        (await accounts_gql(LOGIN, variables, headers=attacker_ip))["data"]["login"]["userErrors"][0]["code"]
        for _ in range(7)
    ]
    assert codes[:6] == ["INVALID_CREDENTIALS"] * 6
    assert codes[6] == "LOGIN_THROTTLED"
    right = {"input": {**variables["input"], "password": PASSWORD}}
    throttled = (await accounts_gql(LOGIN, right, headers=attacker_ip))["data"]["login"]
    assert throttled["accessToken"] is None
    assert throttled["userErrors"][0]["code"] == "LOGIN_THROTTLED"
    assert "Try again in" in throttled["userErrors"][0]["message"]


async def test_a_sign_in_reports_the_guest_cart_to_merge_by_hash_only(
    accounts_gql: GraphQLClient, settings: Any
) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    address = email()
    await register(accounts_gql, address)
    token = "ct_" + "A" * 43
    variables = {
        "input": {"email": address, "password": PASSWORD, "device": {"id": "web"}, "guestCartToken": token}
    }
    body = await accounts_gql(LOGIN, variables)
    user_id = body["data"]["login"]["user"]["id"]
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            payloads = (
                (
                    await conn.execute(
                        text(
                            "SELECT convert_from(payload, 'UTF8') FROM accounts.outbox "
                            "WHERE event_type = 'user.logged_in' AND aggregate_id = :u"
                        ),
                        {"u": user_id},
                    )
                )
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()
    assert len(payloads) == 1
    assert hashlib.sha256(token.encode()).hexdigest() in payloads[0]
    assert token not in payloads[0]


async def test_failed_logins_of_a_few_people_behind_one_proxy_do_not_lock_out_the_rest(
    accounts_gql: GraphQLClient,
) -> None:
    office = {"x-forwarded-for": f"192.0.2.{new_id().int % 250 + 1}"}
    colleague = email()
    await register(accounts_gql, colleague)

    async def attempt(address: str, password: str) -> dict[str, Any]:
        variables = {"input": {"email": address, "password": password, "device": {"id": "desk"}}}
        body = await accounts_gql(LOGIN, variables, headers=office)
        return dict(body["data"]["login"])

    # Eight people at the office fumble their passwords four times each: 32 failures.
    for _ in range(8):
        fumbler = email()
        for _ in range(4):
            assert (await attempt(fumbler, "not my password"))["userErrors"][0]["code"] in {
                "INVALID_CREDENTIALS",
                "LOGIN_THROTTLED",
            }
    signed_in = await attempt(colleague, PASSWORD)
    assert signed_in["userErrors"] == [], signed_in
    assert signed_in["accessToken"]
