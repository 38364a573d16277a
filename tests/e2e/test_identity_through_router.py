"""A Nuxt-style browser session through the router: login by cookie, CSRF refresh, logout."""

from __future__ import annotations

import time

import httpx

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from tests.graphql.kyc_helpers import PDF, PNG, submit
from tests.graphql.test_identity import LOGIN, ME, PASSWORD, REFRESH, REGISTER


async def test_a_browser_session_lives_on_cookies_through_the_router(router_http: httpx.AsyncClient) -> None:
    email = f"nuxt-{new_id().hex[-10:]}@example.com"
    registered = await router_http.post(
        "/graphql",
        json={
            "query": REGISTER,
            "variables": {"input": {"email": email, "password": PASSWORD, "displayName": "Nuxt"}},
        },
    )
    assert registered.json()["data"]["register"]["userErrors"] == []
    login = await router_http.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"input": {"email": email, "password": PASSWORD, "device": {"id": "ssr"}}},
        },
        headers={"user-agent": "Nuxt SSR test"},
    )
    session = login.json()["data"]["login"]
    set_cookies = login.headers.get_list("set-cookie")
    assert sorted(c.split("=")[0] for c in set_cookies) == ["csrf_token", "refresh_token"]
    refresh_value = (
        next(c for c in set_cookies if c.startswith("refresh_token=")).split(";")[0].split("=", 1)[1]
    )
    me = await router_http.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {session['accessToken']}"}
    )
    assert me.json()["data"]["me"]["email"] == email

    cookie = f"refresh_token={refresh_value}; csrf_token={session['csrfToken']}"
    without_csrf = await router_http.post("/graphql", json={"query": REFRESH}, headers={"cookie": cookie})
    assert without_csrf.json()["data"]["refreshToken"]["userErrors"][0]["code"] == "INVALID_REFRESH_TOKEN"
    refreshed = await router_http.post(
        "/graphql", json={"query": REFRESH}, headers={"cookie": cookie, "x-csrf-token": session["csrfToken"]}
    )
    body = refreshed.json()["data"]["refreshToken"]
    assert body["userErrors"] == []
    assert any(c.startswith("refresh_token=") for c in refreshed.headers.get_list("set-cookie"))

    token = {"authorization": f"Bearer {body['accessToken']}"}
    out = await router_http.post(
        "/graphql", json={"query": "mutation { logout { signedOut } }"}, headers=token
    )
    assert out.json()["data"]["logout"]["signedOut"] is True
    after = await router_http.post(
        "/graphql", json={"query": "{ products(first: 1) { nodes { id } } }"}, headers=token
    )
    assert after.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_kyc_documents_upload_through_the_router(router_http: httpx.AsyncClient) -> None:
    email = f"kyc-{new_id().hex[-10:]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": "Seller", "kind": "SELLER"}}
    await router_http.post("/graphql", json={"query": REGISTER, "variables": variables})
    login = await router_http.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {
                "input": {
                    "email": email,
                    "password": PASSWORD,
                    "device": {"id": "web"},
                    "refreshTokenDelivery": "BODY",
                }
            },
        },
    )
    token = login.json()["data"]["login"]["accessToken"]
    result = await submit(router_http, token, [("ID_FRONT", PDF), ("SELFIE", PNG)])
    assert result["userErrors"] == []
    assert [d["contentType"] for d in result["submission"]["documents"]] == ["application/pdf", "image/png"]


async def test_the_router_enforces_recent_login_and_lists_active_sessions(
    router_http: httpx.AsyncClient, signer: TestSigner
) -> None:
    stale = signer.token(roles=["admin"], auth_time=int(time.time()) - 3600)
    doc = 'mutation { rolesBulkCreate(roles: [{name: "e2e-sudo"}]) { roles { id } } }'
    refused = await router_http.post(
        "/graphql", json={"query": doc}, headers={"authorization": f"Bearer {stale}"}
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    email = f"sess-{new_id().hex[-10:]}@example.com"
    await router_http.post(
        "/graphql",
        json={
            "query": REGISTER,
            "variables": {"input": {"email": email, "password": PASSWORD, "displayName": "S"}},
        },
    )
    tokens = []
    for device in ("phone", "laptop"):
        login = await router_http.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {"input": {"email": email, "password": PASSWORD, "device": {"id": device}}},
            },
        )
        tokens.append(login.json()["data"]["login"]["accessToken"])
    listed = await router_http.post(
        "/graphql",
        json={"query": "{ activeSessions { id deviceId active } }"},
        headers={"authorization": f"Bearer {tokens[0]}"},
    )
    sessions = listed.json()["data"]["activeSessions"]
    assert len(sessions) == 2
    assert all(s["active"] for s in sessions)
